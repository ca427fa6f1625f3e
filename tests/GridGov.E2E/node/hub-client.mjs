// Drives /hubs/live with the real npm SignalR clients (JSON and MessagePack), as a browser or a phone would.
// Usage: node hub-client.mjs '<json>' with { baseUrl, webMap, dispatcher, crew: { username, password, crewId }, spot: { lon, lat } }.
// Prints one JSON object: per protocol what was sent and received (with the field names as they arrived); the
// xunit test (HubClientTests) asserts on it. Packages resolve from web-map/node_modules, the same ones the map ships.
import { createRequire } from 'node:module';
import path from 'node:path';

const input = JSON.parse(process.argv[2]);
const require = createRequire(path.join(input.webMap, 'package.json'));
const signalR = require('@microsoft/signalr');
const { MessagePackHubProtocol } = require('@microsoft/signalr-protocol-msgpack');

/** Waits for the hub to bring what `find` looks for; gives up (null) after a while so the test fails with what it has. */
const WAIT_MS = 20_000;

async function signIn(username, password) {
  const response = await fetch(new URL('/api/auth/token', input.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`sign-in as ${username}: ${response.status} ${await response.text()}`);
  return (await response.json()).accessToken;
}

async function post(token, route, body) {
  const response = await fetch(new URL(route, input.baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${route}: ${response.status} ${text}`);
  return JSON.parse(text);
}

function connect(token, protocol) {
  const builder = new signalR.HubConnectionBuilder()
    .withUrl(new URL('/hubs/live', input.baseUrl).toString(), { accessTokenFactory: () => token })
    .configureLogging(signalR.LogLevel.Warning);
  if (protocol === 'messagepack') builder.withHubProtocol(new MessagePackHubProtocol());
  return builder.build();
}

/** Collects a hub message's payloads; `until(find)` resolves with the first that matches, or null. */
function collect(connection, name) {
  const seen = [];
  const waiting = [];
  connection.on(name, (payload) => {
    seen.push(payload);
    for (const w of [...waiting]) w();
  });
  return {
    until(find) {
      return new Promise((resolve) => {
        const check = () => {
          const hit = seen.find(find);
          if (hit === undefined) return false;
          waiting.splice(waiting.indexOf(check), 1);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(check), 1);
          resolve(null);
        }, WAIT_MS);
        waiting.push(check);
        check();
      });
    },
  };
}

/** How a value arrived: its field names and the JavaScript type of each (a MessagePack timestamp is a Date). */
function shape(value) {
  if (!value || typeof value !== 'object') return null;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v instanceof Date ? 'date' : Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v]));
}

async function invokeError(connection, method, ...args) {
  try {
    await connection.invoke(method, ...args);
    return null;
  } catch (error) {
    return String(error?.message ?? error);
  }
}

// Fix times increase across both protocols (the crew's fixes must come in order), never ahead of the clock by much.
let lastT = 0;
const nextT = () => (lastT = Math.max(Date.now(), lastT + 1000));

async function run(protocol, tokens, offset) {
  const { lon, lat } = input.spot;
  const crewId = input.crew.crewId;
  const out = { protocol };
  const dispatcher = connect(tokens.dispatcher, protocol);
  const positions = collect(dispatcher, 'positions');
  const incidents = collect(dispatcher, 'incident');
  await dispatcher.start();
  try {
    out.subscribed = await dispatcher.invoke('Subscribe', { bbox: [lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01] });
    out.subscribedShape = shape(out.subscribed);

    const posted = new Date(nextT());
    out.posted = await post(tokens.admin, '/api/positions', [{ crewId, lon, lat, t: posted.toISOString(), accuracyM: 6 }]);
    const batch = await positions.until((b) => Array.isArray(b) && b.some((p) => p?.crewId === crewId && +new Date(p.t) === +posted));
    const fix = batch?.find((p) => p?.crewId === crewId) ?? null;
    out.position = fix && { ...shape(fix), crewIdValue: fix.crewId, lonValue: fix.lon, tValue: new Date(fix.t).toISOString() };

    const created = await post(tokens.dispatcher, '/api/incidents', { category: '03001', source: 'hotline', lon: lon + offset, lat, description: `hub client test (${protocol})` });
    const incident = await incidents.until((m) => m?.id === created.id);
    out.incidentId = created.id;
    out.incident = incident && { ...shape(incident), idValue: incident.id, statusValue: incident.status };

    // Malformed views: refused with a message that says what is wrong with the bbox.
    out.malformed = {
      short: await invokeError(dispatcher, 'Subscribe', { bbox: [lon, lat, lon + 0.01] }),
      text: await invokeError(dispatcher, 'Subscribe', { bbox: [lon, 'north', lon + 0.01, lat + 0.01] }),
      missing: await invokeError(dispatcher, 'Subscribe', { bbox: null }),
      notAnObject: await invokeError(dispatcher, 'Subscribe', 'everywhere'),
    };

    // The crew's phone reports on the hub: t as an ISO string, a Date and Unix milliseconds.
    const crew = connect(tokens.crew, protocol);
    await crew.start();
    try {
      const times = [nextT(), nextT(), nextT()];
      const report = await crew.invoke('Report', [
        { crewId, lon, lat, t: new Date(times[0]).toISOString(), accuracyM: 5 },
        { crewId, lon, lat, t: new Date(times[1]), accuracyM: 5 },
        { crewId, lon, lat, t: times[2], accuracyM: 5 },
      ]);
      out.report = report;
      out.reportShape = shape(report);
      out.reportResultShape = shape(report?.results?.[0]);
      const moved = await positions.until((b) => Array.isArray(b) && b.some((p) => p?.crewId === crewId && +new Date(p.t) === times[2]));
      out.reportSeenByDispatcher = moved !== null;
    } finally {
      await crew.stop();
    }
  } finally {
    await dispatcher.stop();
  }
  return out;
}

try {
  const tokens = {
    admin: await signIn('admin', 'gridgov-demo'),
    dispatcher: await signIn(input.dispatcher, 'gridgov-demo'),
    crew: await signIn(input.crew.username, input.crew.password),
  };
  const results = { json: await run('json', tokens, 0.0006), messagepack: await run('messagepack', tokens, -0.0006) };
  process.stdout.write(JSON.stringify(results) + '\n');
  process.exit(0);
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error?.stack ?? error) }) + '\n');
  process.exit(1);
}
