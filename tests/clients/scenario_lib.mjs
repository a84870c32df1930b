// What the Node.js scenario scripts share: the command line, canonical JSON observations, the
// per-scenario time bound and the exit status (docs/testing.md).

export const SCENARIO_MS = 10000;  // each scenario is bounded; a hang fails it
export const SOCKET_MS = 5000;
export const LOCK_KEY = 'kvc:lock';

// A reply value as JSON: Buffers as text, Maps and Sets walked, undefined as null.
export function plain(value) {
  if (value === undefined || value === null) return null;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Map) {
    return Object.fromEntries([...value].map(([k, v]) => [String(plain(k)), plain(v)]));
  }
  if (value instanceof Set || Array.isArray(value)) return [...value].map(plain);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object' && value.constructor?.name === 'VerbatimString') {
    return String(value);
  }
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

// The JavaScript type a client gave a reply, as a name: what RESP3 changes.
function typeName(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') return value.constructor ? value.constructor.name : 'Object';
  return typeof value;
}

// An error as the client surfaces it: its class and message.
function errorOf(err) {
  return {class: err.constructor.name, message: err.message};
}

// Runs call(); returns {reply} or the error it threw.
export async function attempt(call) {
  try {
    return {reply: plain(await call())};
  } catch (err) {
    return errorOf(err);
  }
}

// Registers a new client with the scenario (track), silences its 'error' events (a failing command
// reports the error) and connects it.
export async function opened(track, client) {
  track(client);
  client.on('error', () => {});
  await client.connect();
  return client;
}

// The connect scenario's commands on a connected client (node-redis and ioredis spell them alike).
export async function observeConnect(r) {
  return {
    ping: await r.ping(),
    set: await r.set('kvc:connect:k', 'v1'),
    get: await r.get('kvc:connect:k'),
    get_missing: await r.get('kvc:connect:missing'),
    echo: await r.echo('hello'),
  };
}

// The transaction scenario: node-redis and ioredis spell MULTI...EXEC alike.
async function observeTransaction(r) {
  const exec = await r.multi().set('kvc:tx:k', '1').incr('kvc:tx:k').get('kvc:tx:k').exec();
  return {exec: plain(exec)};
}

// The watch scenario: another connection changes the WATCHed key before the first EXEC, which
// must abort (node-redis throws WatchError, ioredis resolves to null); the second goes through.
async function observeWatch(r, other) {
  const key = 'kvc:watch:k';
  await r.set(key, '5');
  const attempts = [];
  const execs = [];
  while (attempts.length < 2) {
    await r.watch(key);
    const value = Number(await r.get(key));
    attempts.push(value);
    if (attempts.length === 1) await other.incr(key);
    execs.push(await attempt(() => r.multi().set(key, String(value + 10)).exec()));
  }
  return {attempts, execs, final: await r.get(key)};
}

// The lock scenario: `acquire(client, token)` is SET key token NX PX 5000 and `release(client,
// token)` the release script, as each client spells them; `pttl(client)` the key's PTTL.
async function observeLock(r, other, {acquire, release, pttl}) {
  const token = `t${process.pid}-${Math.random()}`;
  const observed = {acquired: await acquire(r, token)};
  const left = await pttl(r);
  observed.ttl_within_timeout = left > 0 && left <= 5000;
  observed.second_while_held = await acquire(other, 'other');
  observed.release_wrong_token = await release(other, 'other');
  observed.release = await release(r, token);
  observed.second_after_release = await acquire(other, 'other');
  observed.release_second = await release(other, 'other');
  observed.exists_at_end = await r.exists(LOCK_KEY);
  return observed;
}

// The JavaScript type a client gives each reply, and its value (but for free text like INFO's).
function observeTypes(replies, textOnly = []) {
  const observed = {};
  for (const [name, value] of Object.entries(replies)) {
    observed[name] = {type: typeName(value), value: textOnly.includes(name) ? null : plain(value)};
  }
  return observed;
}

// The resp3 scenario, sent through `send(args)` on a client that asked for RESP3: replies of the
// string and keyspace commands whose RESP3 types differ from RESP2 (null, map, verbatim text).
async function observeResp3(send) {
  await send(['SET', 'kvc:resp3:a', 'ohmytext']);
  await send(['SET', 'kvc:resp3:b', 'mynewtext']);
  return observeTypes({
    hello_proto: (await send(['HELLO', '3'])).proto,
    exists: await send(['EXISTS', 'kvc:resp3:a']),
    get_missing: await send(['GET', 'kvc:resp3:missing']),
    mget: await send(['MGET', 'kvc:resp3:a', 'kvc:resp3:missing']),
    config_get: await send(['CONFIG', 'GET', 'maxmemory-policy']),
    lcs_idx: await send(['LCS', 'kvc:resp3:a', 'kvc:resp3:b', 'IDX', 'MINMATCHLEN', '4']),
    object_encoding: await send(['OBJECT', 'ENCODING', 'kvc:resp3:a']),
    info: await send(['INFO', 'server']),
  }, ['info']);
}

// The resp3_collections scenario: the collection types' RESP3 replies (map, set, double).
async function observeResp3Collections(send) {
  await send(['HSET', 'kvc:resp3:h', 'f1', 'v1', 'f2', 'v2']);
  await send(['SADD', 'kvc:resp3:s', 'a']);
  await send(['ZADD', 'kvc:resp3:z', '1.5', 'm']);
  return observeTypes({
    hgetall: await send(['HGETALL', 'kvc:resp3:h']),
    smembers: await send(['SMEMBERS', 'kvc:resp3:s']),
    zscore: await send(['ZSCORE', 'kvc:resp3:z', 'm']),
    zrange_withscores: await send(['ZRANGE', 'kvc:resp3:z', '0', '-1', 'WITHSCORES']),
  });
}

// The errors and wrong_type scenarios, the same for every Node.js client: `send(args)` sends a
// command as given (the client's generic path), and `r` is the client, whose set, incr and get
// are named alike in node-redis and ioredis.
async function observeErrors(r, send) {
  await r.set('kvc:errors:s', 'abc');
  return {
    unknown_command: await attempt(() => send(['NOSUCHCMD', 'a', 'b'])),
    wrong_arity: await attempt(() => send(['GET'])),
    not_integer: await attempt(() => r.incr('kvc:errors:s')),
    syntax: await attempt(() => send(['SET', 'kvc:errors:s', 'v', 'NX', 'XX'])),
    still_usable: await r.ping(),
  };
}

async function observeWrongType(r, send) {
  await r.set('kvc:wt:string', 'v');
  await send(['RPUSH', 'kvc:wt:list', 'x']);
  return {
    lpush_on_string: await attempt(() => send(['LPUSH', 'kvc:wt:string', 'x'])),
    get_on_list: await attempt(() => r.get('kvc:wt:list')),
  };
}

// The scenarios whose steps node-redis and ioredis share, for a client's `connected(host, port,
// track, options)` and its spelling of what differs: `send(client, args)` (a command as given),
// `acquire`/`release`/`pttl` (observeLock) and `resp3Options` (the options that ask for RESP3).
export function sharedScenarios(connected, spelling) {
  const {send, resp3Options} = spelling;
  return {
    connect: async (host, port, track) => observeConnect(await connected(host, port, track)),
    transaction: async (host, port, track) =>
      observeTransaction(await connected(host, port, track)),
    watch: async (host, port, track) =>
      observeWatch(await connected(host, port, track), await connected(host, port, track)),
    lock: async (host, port, track) =>
      observeLock(await connected(host, port, track), await connected(host, port, track), spelling),
    resp3: async (host, port, track) => {
      const r = await connected(host, port, track, resp3Options);
      return observeResp3((args) => send(r, args));
    },
    resp3_collections: async (host, port, track) => {
      const r = await connected(host, port, track, resp3Options);
      return observeResp3Collections((args) => send(r, args));
    },
    errors: async (host, port, track) => {
      const r = await connected(host, port, track);
      return observeErrors(r, (args) => send(r, args));
    },
    wrong_type: async (host, port, track) => {
      const r = await connected(host, port, track);
      return observeWrongType(r, (args) => send(r, args));
    },
  };
}

// Canonical JSON: keys sorted at every level, no spaces, so two servers' lines compare as text.
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value === undefined ? null : value);
}

// Resolves when predicate() holds (checked every 10 ms), rejects after SOCKET_MS.
export async function waitFor(what, predicate) {
  const deadline = Date.now() + SOCKET_MS;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// The scripts' main: `SCRIPT HOST PORT [SCENARIO...]` or `SCRIPT --list`. Each scenario is an
// async function (host, port, track) returning its observation; track(client) registers a
// connection to close afterwards (also when the scenario fails or times out). Prints one line per
// scenario, reports failures on stderr and exits 1 if any failed.
export async function runScenarios(clientName, scenarios, closeClient) {
  const args = process.argv.slice(2);
  if (args.length === 1 && args[0] === '--list') {
    console.log(Object.keys(scenarios).join(' '));
    return 0;
  }
  if (args.length < 2) {
    console.error(`usage: ${process.argv[1]} HOST PORT [SCENARIO...] | --list`);
    return 2;
  }
  const [host, portText, ...requested] = args;
  const port = Number(portText);
  const names = requested.length > 0 ? requested : Object.keys(scenarios);
  const unknown = names.filter((n) => !(n in scenarios));
  if (unknown.length > 0) {
    console.error(`${clientName}: unknown scenario(s): ${unknown.join(' ')}`);
    return 2;
  }
  let failed = 0;
  for (const name of names) {
    const clients = [];
    const track = (client) => {
      clients.push(client);
      return client;
    };
    let timer;
    const timeout = new Promise((_, reject) => {
      const expired = () => reject(new Error(`no result within ${SCENARIO_MS} ms`));
      timer = setTimeout(expired, SCENARIO_MS);
    });
    try {
      const observed = await Promise.race([scenarios[name](host, port, track), timeout]);
      console.log(canonical({client: clientName, scenario: name, observed}));
    } catch (err) {
      failed++;
      const cause = `${err.constructor.name}: ${err.message}`;
      console.error(`${clientName}: scenario ${name} failed: ${cause}`);
    } finally {
      clearTimeout(timer);
      for (const client of clients) {
        try {
          closeClient(client);
        } catch {
          // already closed
        }
      }
    }
  }
  return failed > 0 ? 1 : 0;
}
