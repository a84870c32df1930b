// What the Node.js scenario scripts share: the command line, canonical JSON observations, the
// per-scenario time bound and the exit status (docs/testing.md).

export const SCENARIO_MS = 10000;  // each scenario is bounded; a hang fails it
export const SOCKET_MS = 5000;

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
export function typeName(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') return value.constructor ? value.constructor.name : 'Object';
  return typeof value;
}

// An error as the client surfaces it: its class and message.
export function errorOf(err) {
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
