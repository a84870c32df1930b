// node-redis (npm "redis", pinned in package.json) against a Redis-protocol server: runs named
// scenarios and prints one canonical JSON line per scenario (docs/testing.md).
//   node node_redis_test.mjs HOST PORT [SCENARIO...]     (none: all)     ... --list
// node-redis 6 speaks RESP3 by default (HELLO 3 on connect); connect_resp2 asks for RESP2.
import {createClient, defineScript} from 'redis';

import {
  LOCK_KEY, SOCKET_MS, attempt, opened, observeConnect, plain, runScenarios, sharedScenarios,
  waitFor,
} from './scenario_lib.mjs';

const RELEASE = defineScript({
  NUMBER_OF_KEYS: 1,
  SCRIPT: "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end " +
    'return 0',
  parseCommand(parser, key, token) {
    parser.pushKey(key);
    parser.push(token);
  },
  transformReply: (reply) => reply,
});

const INCR_RETURN = defineScript({
  NUMBER_OF_KEYS: 1,
  SCRIPT: "return {KEYS[1], ARGV[1], redis.call('INCRBY', KEYS[1], ARGV[1])}",
  parseCommand(parser, key, by) {
    parser.pushKey(key);
    parser.push(String(by));
  },
  transformReply: (reply) => reply,
});

const FAILING = defineScript({
  NUMBER_OF_KEYS: 0,
  SCRIPT: "return redis.error_reply('my failure')",
  parseCommand() {},
  transformReply: (reply) => reply,
});

// A connected client; default options but for the address, bounded timeouts and no reconnects.
async function connected(host, port, track, extra = {}) {
  return opened(track, createClient({
    socket: {host, port, connectTimeout: SOCKET_MS, reconnectStrategy: false},
    scripts: {release: RELEASE, incrReturn: INCR_RETURN, failing: FAILING},
    ...extra,
  }));
}

const scenarios = {
  ...sharedScenarios(connected, {
    send: (client, args) => client.sendCommand(args),
    acquire: (client, token) =>
      client.set(LOCK_KEY, token, {condition: 'NX', expiration: {type: 'PX', value: 5000}}),
    release: (client, token) => client.release(LOCK_KEY, token),
    pttl: (client) => client.pTTL(LOCK_KEY),
    resp3Options: {RESP: 3},
  }),

  connect_resp2: async (host, port, track) =>
    observeConnect(await connected(host, port, track, {RESP: 2})),

  async script(host, port, track) {
    const r = await connected(host, port, track);
    const observed = {first: plain(await r.incrReturn('kvc:script:k', 5))};
    observed.exists = plain(await r.scriptExists(INCR_RETURN.SHA1));
    observed.flush = await r.scriptFlush();
    observed.exists_after_flush = plain(await r.scriptExists(INCR_RETURN.SHA1));
    // NOSCRIPT after the flush: the client falls back to EVAL.
    observed.after_flush = plain(await r.incrReturn('kvc:script:k', 2));
    observed.evalsha_unknown =
      await attempt(() => r.sendCommand(['EVALSHA', 'f'.repeat(40), '0']));
    observed.error_reply = await attempt(() => r.failing());
    return observed;
  },

  async pubsub(host, port, track) {
    const r = await connected(host, port, track);
    const sub = await connected(host, port, track);
    const messages = [];
    const listener = (kind) => (message, channel) => messages.push({kind, channel, message});
    await sub.subscribe('kvc:ch', listener('message'));
    const receivers = [await r.publish('kvc:ch', 'hello')];
    await waitFor('the first message', () => messages.length === 1);
    await sub.pSubscribe('kvc:pat.*', listener('pmessage'));
    receivers.push(await r.publish('kvc:pat.one', 'world'));
    receivers.push(await r.publish('kvc:ch', 'both'));
    await waitFor('three messages', () => messages.length === 3);
    await sub.unsubscribe('kvc:ch');
    await sub.pUnsubscribe('kvc:pat.*');
    receivers.push(await r.publish('kvc:ch', 'nobody'));
    return {messages, receivers};
  },
};

process.exitCode = await runScenarios('node-redis', scenarios, (client) => client.destroy());
