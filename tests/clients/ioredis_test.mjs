// ioredis (pinned in package.json) against a Redis-protocol server: runs named scenarios and prints
// one canonical JSON line per scenario (docs/testing.md).
//   node ioredis_test.mjs HOST PORT [SCENARIO...]     (none: all)     ... --list
// ioredis 6 asks for RESP3 (HELLO 3) and falls back to RESP2 when the server refuses it; replies
// keep RESP2 shapes unless replyMapping is "resp3" (the resp3 scenario).
import Redis from 'ioredis';

import {SOCKET_MS, attempt, plain, runScenarios, typeName, waitFor} from './scenario_lib.mjs';

const RELEASE_LUA =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const INCR_RETURN_LUA = "return {KEYS[1], ARGV[1], redis.call('INCRBY', KEYS[1], ARGV[1])}";

// A connected client; default options but for the address, bounded timeouts and no reconnects.
async function connected(host, port, track, extra = {}) {
  const client = track(new Redis({
    host,
    port,
    lazyConnect: true,
    connectTimeout: SOCKET_MS,
    commandTimeout: SOCKET_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...extra,
  }));
  client.on('error', () => {});  // surfaced by the failing command instead
  await client.connect();
  return client;
}

const scenarios = {
  async connect(host, port, track) {
    const r = await connected(host, port, track);
    return {
      ping: await r.ping(),
      set: await r.set('kvc:connect:k', 'v1'),
      get: await r.get('kvc:connect:k'),
      get_missing: await r.get('kvc:connect:missing'),
      echo: await r.echo('hello'),
    };
  },

  async transaction(host, port, track) {
    const r = await connected(host, port, track);
    const exec = await r.multi().set('kvc:tx:k', '1').incr('kvc:tx:k').get('kvc:tx:k').exec();
    return {exec: plain(exec)};
  },

  async watch(host, port, track) {
    const r = await connected(host, port, track);
    const other = await connected(host, port, track);
    const key = 'kvc:watch:k';
    await r.set(key, '5');
    const attempts = [];
    const execs = [];
    while (attempts.length < 2) {
      await r.watch(key);
      const value = Number(await r.get(key));
      attempts.push(value);
      if (attempts.length === 1) await other.incr(key);  // EXEC must abort: null
      execs.push(plain(await r.multi().set(key, String(value + 10)).exec()));
    }
    return {attempts, execs, final: await r.get(key)};
  },

  async lock(host, port, track) {
    const r = await connected(host, port, track);
    const other = await connected(host, port, track);
    const key = 'kvc:lock';
    const token = `t${process.pid}-${Math.random()}`;
    const observed = {acquired: await r.set(key, token, 'PX', 5000, 'NX')};
    const pttl = await r.pttl(key);
    observed.ttl_within_timeout = pttl > 0 && pttl <= 5000;
    observed.second_while_held = await other.set(key, 'other', 'PX', 5000, 'NX');
    observed.release_wrong_token = await other.eval(RELEASE_LUA, 1, key, 'other');
    observed.release = await r.eval(RELEASE_LUA, 1, key, token);
    observed.second_after_release = await other.set(key, 'other', 'PX', 5000, 'NX');
    observed.release_second = await other.eval(RELEASE_LUA, 1, key, 'other');
    observed.exists_at_end = await r.exists(key);
    return observed;
  },

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

  async resp3(host, port, track) {
    const r = await connected(host, port, track, {protocol: 3, replyMapping: 'resp3'});
    await r.hset('kvc:resp3:h', 'f1', 'v1', 'f2', 'v2');
    await r.sadd('kvc:resp3:s', 'a');
    await r.zadd('kvc:resp3:z', 1.5, 'm');
    const replies = {
      hello_proto: (await r.call('HELLO', '3')).proto,
      hgetall: await r.call('HGETALL', 'kvc:resp3:h'),
      smembers: await r.call('SMEMBERS', 'kvc:resp3:s'),
      zscore: await r.call('ZSCORE', 'kvc:resp3:z', 'm'),
      zrange_withscores: await r.call('ZRANGE', 'kvc:resp3:z', '0', '-1', 'WITHSCORES'),
      exists: await r.call('EXISTS', 'kvc:resp3:h'),
      get_missing: await r.call('GET', 'kvc:resp3:missing'),
    };
    const observed = {};
    for (const [name, value] of Object.entries(replies)) {
      observed[name] = {type: typeName(value), value: plain(value)};
    }
    return observed;
  },

  async errors(host, port, track) {
    const r = await connected(host, port, track);
    await r.set('kvc:errors:s', 'abc');
    return {
      unknown_command: await attempt(() => r.call('NOSUCHCMD', 'a', 'b')),
      wrong_arity: await attempt(() => r.call('GET')),
      not_integer: await attempt(() => r.incr('kvc:errors:s')),
      syntax: await attempt(() => r.call('SET', 'kvc:errors:s', 'v', 'NX', 'XX')),
      still_usable: await r.ping(),
    };
  },

  async wrong_type(host, port, track) {
    const r = await connected(host, port, track);
    await r.set('kvc:wt:string', 'v');
    await r.rpush('kvc:wt:list', 'x');
    return {
      lpush_on_string: await attempt(() => r.lpush('kvc:wt:string', 'x')),
      get_on_list: await attempt(() => r.get('kvc:wt:list')),
    };
  },
};

process.exitCode = await runScenarios('ioredis', scenarios, (client) => client.disconnect());
