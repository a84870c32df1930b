// ioredis (pinned in package.json) against a Redis-protocol server: runs named scenarios and prints
// one canonical JSON line per scenario (docs/testing.md).
//   node ioredis_test.mjs HOST PORT [SCENARIO...]     (none: all)     ... --list
// ioredis 6 asks for RESP3 (HELLO 3) and falls back to RESP2 when the server refuses it; replies
// keep RESP2 shapes unless replyMapping is "resp3" (the resp3 scenario).
import Redis from 'ioredis';

import {
  LOCK_KEY, SOCKET_MS, attempt, opened, plain, runScenarios, sharedScenarios, waitFor,
} from './scenario_lib.mjs';

const RELEASE_LUA =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const INCR_RETURN_LUA = "return {KEYS[1], ARGV[1], redis.call('INCRBY', KEYS[1], ARGV[1])}";

// A connected client; default options but for the address, bounded timeouts and no reconnects.
async function connected(host, port, track, extra = {}) {
  return opened(track, new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: SOCKET_MS,
    commandTimeout: SOCKET_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...extra,
  }));
}

const scenarios = {
  ...sharedScenarios(connected, {
    send: (client, args) => client.call(...args),
    acquire: (client, token) => client.set(LOCK_KEY, token, 'PX', 5000, 'NX'),
    release: (client, token) => client.eval(RELEASE_LUA, 1, LOCK_KEY, token),
    pttl: (client) => client.pttl(LOCK_KEY),
    resp3Options: {protocol: 3, replyMapping: 'resp3'},
  }),

  async script(host, port, track) {
    const r = await connected(host, port, track);
    r.defineCommand('incrReturn', {numberOfKeys: 1, lua: INCR_RETURN_LUA});
    r.defineCommand('failing', {numberOfKeys: 0, lua: "return redis.error_reply('my failure')"});
    const observed = {first: plain(await r.incrReturn('kvc:script:k', 5))};
    const sha = await r.script('LOAD', INCR_RETURN_LUA);
    observed.exists = await r.script('EXISTS', sha);
    observed.flush = await r.script('FLUSH');
    observed.exists_after_flush = await r.script('EXISTS', sha);
    // NOSCRIPT after the flush: the client falls back to EVAL.
    observed.after_flush = plain(await r.incrReturn('kvc:script:k', 2));
    observed.evalsha_unknown = await attempt(() => r.evalsha('f'.repeat(40), 0));
    observed.error_reply = await attempt(() => r.failing());
    return observed;
  },

  async pubsub(host, port, track) {
    const r = await connected(host, port, track);
    const sub = await connected(host, port, track);
    const messages = [];
    sub.on('message', (channel, message) => messages.push({kind: 'message', channel, message}));
    sub.on('pmessage', (pattern, channel, message) =>
      messages.push({kind: 'pmessage', pattern, channel, message}));
    const counts = [await sub.subscribe('kvc:ch')];
    const receivers = [await r.publish('kvc:ch', 'hello')];
    await waitFor('the first message', () => messages.length === 1);
    counts.push(await sub.psubscribe('kvc:pat.*'));
    receivers.push(await r.publish('kvc:pat.one', 'world'));
    receivers.push(await r.publish('kvc:ch', 'both'));
    await waitFor('three messages', () => messages.length === 3);
    counts.push(await sub.unsubscribe('kvc:ch'));
    counts.push(await sub.punsubscribe('kvc:pat.*'));
    receivers.push(await r.publish('kvc:ch', 'nobody'));
    return {counts, messages, receivers};
  },
};

process.exitCode = await runScenarios('ioredis', scenarios, (client) => client.disconnect());
