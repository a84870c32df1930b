// node-redis (npm "redis", pinned in package.json) against a Redis-protocol server: runs named
// scenarios and prints one canonical JSON line per scenario (docs/testing.md).
//   node node_redis_test.mjs HOST PORT [SCENARIO...]     (none: all)     ... --list
// node-redis 6 speaks RESP3 by default (HELLO 3 on connect); connect_resp2 asks for RESP2.
import {createClient, defineScript} from 'redis';

import {
  SOCKET_MS, attempt, errorOf, plain, runScenarios, typeName, waitFor,
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
  const client = track(createClient({
    socket: {host, port, connectTimeout: SOCKET_MS, reconnectStrategy: false},
    scripts: {release: RELEASE, incrReturn: INCR_RETURN, failing: FAILING},
    ...extra,
  }));
  client.on('error', () => {});  // surfaced by the failing command instead
  await client.connect();
  return client;
}

async function connectWith(host, port, track, extra) {
  const r = await connected(host, port, track, extra);
  return {
    ping: await r.ping(),
    set: await r.set('kvc:connect:k', 'v1'),
    get: await r.get('kvc:connect:k'),
    get_missing: await r.get('kvc:connect:missing'),
    echo: await r.echo('hello'),
  };
}

const scenarios = {
  connect: (host, port, track) => connectWith(host, port, track, {}),

  connect_resp2: (host, port, track) => connectWith(host, port, track, {RESP: 2}),

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
    const aborted = [];
    for (;;) {
      await r.watch(key);
      const value = Number(await r.get(key));
      attempts.push(value);
      if (attempts.length === 1) await other.incr(key);  // EXEC must abort
      try {
        const exec = await r.multi().set(key, String(value + 10)).exec();
        return {attempts, aborted, exec: plain(exec), final: await r.get(key)};
      } catch (err) {
        if (attempts.length > 1) throw err;
        aborted.push(errorOf(err));
      }
    }
  },

  async lock(host, port, track) {
    const r = await connected(host, port, track);
    const other = await connected(host, port, track);
    const key = 'kvc:lock';
    const token = `t${process.pid}-${Math.random()}`;
    const nxPx = {condition: 'NX', expiration: {type: 'PX', value: 5000}};
    const observed = {acquired: await r.set(key, token, nxPx)};
    const pttl = await r.pTTL(key);
    observed.ttl_within_timeout = pttl > 0 && pttl <= 5000;
    observed.second_while_held = await other.set(key, 'other', nxPx);
    observed.release_wrong_token = await other.release(key, 'other');
    observed.release = await r.release(key, token);
    observed.second_after_release = await other.set(key, 'other', nxPx);
    observed.release_second = await other.release(key, 'other');
    observed.exists_at_end = await r.exists(key);
    return observed;
  },

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

  async resp3(host, port, track) {
    const r = await connected(host, port, track, {RESP: 3});
    await r.hSet('kvc:resp3:h', {f1: 'v1', f2: 'v2'});
    await r.sAdd('kvc:resp3:s', ['a']);
    await r.zAdd('kvc:resp3:z', {score: 1.5, value: 'm'});
    const replies = {
      hello_proto: (await r.sendCommand(['HELLO', '3'])).proto,
      hgetall: await r.sendCommand(['HGETALL', 'kvc:resp3:h']),
      smembers: await r.sendCommand(['SMEMBERS', 'kvc:resp3:s']),
      zscore: await r.sendCommand(['ZSCORE', 'kvc:resp3:z', 'm']),
      zrange_withscores: await r.sendCommand(['ZRANGE', 'kvc:resp3:z', '0', '-1', 'WITHSCORES']),
      exists: await r.sendCommand(['EXISTS', 'kvc:resp3:h']),
      get_missing: await r.sendCommand(['GET', 'kvc:resp3:missing']),
      info_type: await r.sendCommand(['INFO', 'server']),
    };
    const observed = {};
    for (const [name, value] of Object.entries(replies)) {
      observed[name] = {type: typeName(value), value: name === 'info_type' ? null : plain(value)};
    }
    return observed;
  },

  async errors(host, port, track) {
    const r = await connected(host, port, track);
    await r.set('kvc:errors:s', 'abc');
    return {
      unknown_command: await attempt(() => r.sendCommand(['NOSUCHCMD', 'a', 'b'])),
      wrong_arity: await attempt(() => r.sendCommand(['GET'])),
      not_integer: await attempt(() => r.incr('kvc:errors:s')),
      syntax: await attempt(() => r.sendCommand(['SET', 'kvc:errors:s', 'v', 'NX', 'XX'])),
      still_usable: await r.ping(),
    };
  },

  async wrong_type(host, port, track) {
    const r = await connected(host, port, track);
    await r.set('kvc:wt:string', 'v');
    await r.rPush('kvc:wt:list', 'x');
    return {
      lpush_on_string: await attempt(() => r.lPush('kvc:wt:string', 'x')),
      get_on_list: await attempt(() => r.get('kvc:wt:list')),
    };
  },
};

process.exitCode = await runScenarios('node-redis', scenarios, (client) => client.destroy());
