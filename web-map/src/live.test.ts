import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IRetryPolicy } from '@microsoft/signalr';
import {
  authRefusal,
  canWatchLive,
  createLive,
  liveStateAttribute,
  retryDelay,
  retryUnlessRefused,
  type HubLike,
  type LiveHandlers,
  type LiveState,
} from './live';

/** A HubConnection stand-in: the test decides when start() settles and fires the server's messages. */
class FakeHub {
  state = 'Disconnected';
  handlers = new Map<string, (...args: unknown[]) => void>();
  closed: Array<(e?: Error) => void> = [];
  reconnecting: Array<(e?: Error) => void> = [];
  reconnected: Array<(id?: string) => void> = [];
  invocations: Array<{ method: string; args: unknown[] }> = [];
  starts = 0;
  stops = 0;
  private pending: { resolve: () => void; reject: (e: Error) => void } | null = null;

  start = (): Promise<void> => {
    this.starts++;
    this.state = 'Connecting';
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  };
  stop = async (): Promise<void> => {
    this.stops++;
    this.state = 'Disconnected';
    this.pending?.reject(new Error('stopped'));
    for (const fn of this.closed) fn();
  };
  invoke = async (method: string, ...args: unknown[]): Promise<unknown> => {
    this.invocations.push({ method, args });
    return { tiles: ['14/1/2'], bbox: (args[0] as { bbox: number[] }).bbox };
  };
  on = (name: string, fn: (...args: unknown[]) => void) => void this.handlers.set(name, fn);
  onclose = (fn: (e?: Error) => void) => void this.closed.push(fn);
  onreconnecting = (fn: (e?: Error) => void) => void this.reconnecting.push(fn);
  onreconnected = (fn: (id?: string) => void) => void this.reconnected.push(fn);

  connect() {
    this.state = 'Connected';
    this.pending?.resolve();
    this.pending = null;
  }
  fail(error = new Error('502')) {
    this.state = 'Disconnected';
    this.pending?.reject(error);
    this.pending = null;
  }
  send(name: string, ...args: unknown[]) {
    this.handlers.get(name)?.(...args);
  }
  drop() {
    this.state = 'Reconnecting';
    for (const fn of this.reconnecting) fn(new Error('gone'));
  }
  back() {
    this.state = 'Connected';
    for (const fn of this.reconnected) fn('c2');
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function setup(token: string | null = 'tok') {
  const hub = new FakeHub();
  const states: LiveState[] = [];
  const got = {
    positions: [] as unknown[][],
    incidents: [] as unknown[],
    geofences: [] as unknown[],
    offers: [] as unknown[],
    subscribed: [] as unknown[],
    refused: [] as number[],
  };
  const handlers: LiveHandlers = {
    state: (s) => states.push(s),
    positions: (f) => got.positions.push(f),
    incident: (e) => got.incidents.push(e),
    geofence: (e) => got.geofences.push(e),
    offer: (e) => got.offers.push(e),
    subscribed: (r) => got.subscribed.push(r),
    refused: (status) => got.refused.push(status),
  };
  const built: Array<{ url: string; token: string }> = [];
  const retries: IRetryPolicy[] = [];
  const live = createLive({
    getToken: () => token,
    handlers,
    connect: (url, factory, retry) => {
      built.push({ url, token: factory() });
      retries.push(retry);
      return hub as unknown as HubLike;
    },
  });
  return { hub, live, states, got, built, retries };
}

const BBOX: [number, number, number, number] = [115.38, 25.93, 115.45, 25.98];
const subscribes = (hub: FakeHub) => hub.invocations.filter((i) => i.method === 'Subscribe').map((i) => i.args[0]);

describe('createLive', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('connects to /hubs/live with the token and subscribes to the area once connected', async () => {
    const { hub, live, states, built, got } = setup();
    live.subscribe(BBOX);
    expect(hub.invocations).toEqual([]);
    live.start();
    live.start();
    expect(built).toEqual([{ url: '/hubs/live', token: 'tok' }]);
    expect(live.state).toBe('connecting');
    hub.connect();
    await flush();
    expect(states).toEqual(['connecting', 'connected']);
    expect(subscribes(hub)).toEqual([{ bbox: BBOX }]);
    expect(got.subscribed).toEqual([{ tiles: ['14/1/2'], bbox: BBOX }]);
    live.subscribe([1, 2, 3, 4]);
    await flush();
    expect(subscribes(hub)).toEqual([{ bbox: BBOX }, { bbox: [1, 2, 3, 4] }]);
  });

  it('passes the messages on; junk incident/geofence/offer bodies are ignored', async () => {
    const { hub, live, got } = setup();
    live.start();
    hub.connect();
    await flush();
    hub.send('positions', [{ crewId: 1, lon: 115.4, lat: 25.9, t: '2026-11-24T04:30:00Z' }]);
    hub.send('positions', 'junk');
    hub.send('incident', { id: 42, status: 'registered' });
    hub.send('incident', null);
    hub.send('geofence', { crewId: 1, kind: 'left' });
    hub.send('offer', { incidentId: 42 });
    hub.send('offer', 7);
    expect(got.positions).toEqual([[{ crewId: 1, lon: 115.4, lat: 25.9, t: '2026-11-24T04:30:00Z' }], []]);
    expect(got.incidents).toEqual([{ id: 42, status: 'registered' }]);
    expect(got.geofences).toEqual([{ crewId: 1, kind: 'left' }]);
    expect(got.offers).toEqual([{ incidentId: 42 }]);
  });

  it('shows reconnecting, and subscribes again after the automatic reconnect', async () => {
    const { hub, live, states } = setup();
    live.subscribe(BBOX);
    live.start();
    hub.connect();
    await flush();
    hub.drop();
    expect(live.state).toBe('reconnecting');
    hub.back();
    await flush();
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(subscribes(hub)).toHaveLength(2);
  });

  it('keeps trying when the first connection fails', async () => {
    const { hub, live, states } = setup();
    live.subscribe(BBOX);
    live.start();
    hub.fail();
    await flush();
    expect(live.state).toBe('reconnecting');
    expect(hub.starts).toBe(1);
    vi.advanceTimersByTime(retryDelay(1));
    expect(hub.starts).toBe(2);
    hub.connect();
    await flush();
    expect(states).toEqual(['connecting', 'reconnecting', 'connected']);
    expect(subscribes(hub)).toHaveLength(1);
  });

  it('starts over after the connection closes for good', async () => {
    const { hub, live, states } = setup();
    live.start();
    hub.connect();
    await flush();
    for (const fn of hub.closed) fn(new Error('server said bye'));
    expect(live.state).toBe('disconnected');
    vi.advanceTimersByTime(30_000);
    expect(hub.starts).toBe(2);
    expect(states).toEqual(['connecting', 'connected', 'disconnected', 'reconnecting']);
  });

  it('stops: disconnected, and nothing arrives or retries afterwards', async () => {
    const { hub, live, got, states } = setup();
    live.subscribe(BBOX);
    live.start();
    hub.connect();
    await flush();
    await live.stop();
    expect(hub.stops).toBe(1);
    expect(live.state).toBe('disconnected');
    hub.send('positions', [{ crewId: 1 }]);
    hub.back();
    vi.advanceTimersByTime(60_000);
    expect(got.positions).toEqual([]);
    expect(hub.starts).toBe(1);
    expect(states.at(-1)).toBe('disconnected');
  });

  it('a stop during the first attempt wins over its late failure', async () => {
    const { hub, live } = setup();
    live.start();
    await live.stop();
    await flush();
    vi.advanceTimersByTime(60_000);
    expect(hub.starts).toBe(1);
    expect(live.state).toBe('disconnected');
  });

  it('stops for good when the server refuses the first connection with a 403 (a role without the live view)', async () => {
    const { hub, live, states, got } = setup();
    live.subscribe(BBOX);
    live.start();
    hub.fail(new Error("Failed to complete negotiation with the server: Error: Forbidden: Status code '403'"));
    await flush();
    expect(live.state).toBe('refused');
    expect(got.refused).toEqual([403]);
    vi.advanceTimersByTime(10 * 60_000);
    expect(hub.starts).toBe(1);
    expect(states).toEqual(['connecting', 'refused']);
    live.start();
    expect(hub.starts).toBe(1);
  });

  it('ends an automatic reconnect refused with a 401 as refused, not as a restart loop', async () => {
    const { hub, live, states, got, retries } = setup();
    live.start();
    hub.connect();
    await flush();
    hub.drop();
    const refusal = Object.assign(new Error("Unauthorized: Status code '401'"), { statusCode: 401 });
    expect(retries[0]!.nextRetryDelayInMilliseconds({ previousRetryCount: 3, elapsedMilliseconds: 9000, retryReason: refusal })).toBeNull();
    for (const fn of hub.closed) fn();
    vi.advanceTimersByTime(10 * 60_000);
    expect(hub.starts).toBe(1);
    expect(got.refused).toEqual([401]);
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'refused']);
  });

  it('tries again after a refusal once stopped and started (the next sign-in)', async () => {
    const { hub, live, built } = setup();
    live.start();
    hub.fail(new Error("Failed to complete negotiation with the server: Error: Forbidden: Status code '403'"));
    await flush();
    await live.stop();
    live.start();
    expect(built).toHaveLength(2);
    hub.connect();
    await flush();
    expect(live.state).toBe('connected');
  });

  it('sends an empty token rather than none when signed out meanwhile', () => {
    const { live, built } = setup(null);
    live.start();
    expect(built[0]!.token).toBe('');
  });
});

describe('live state helpers', () => {
  it('maps the state to the <body data-live-state> values', () => {
    expect(liveStateAttribute('connecting')).toBe('reconnecting');
    expect(liveStateAttribute('connected')).toBe('connected');
    expect(liveStateAttribute('reconnecting')).toBe('reconnecting');
    expect(liveStateAttribute('disconnected')).toBe('disconnected');
    expect(liveStateAttribute('refused')).toBe('refused');
  });

  it('opens the hub only for the roles the server admits: not for a planner', () => {
    for (const role of ['admin', 'dispatcher', 'leader', 'crew', 'Dispatcher']) expect(canWatchLive([role])).toBe(true);
    expect(canWatchLive(['planner'])).toBe(false);
    expect(canWatchLive(['planner', 'leader'])).toBe(true);
    expect(canWatchLive([])).toBe(false);
    expect(canWatchLive(null)).toBe(false);
  });

  it('tells a 401/403 refusal from a failure worth retrying', () => {
    expect(authRefusal(Object.assign(new Error('Forbidden'), { statusCode: 403 }))).toBe(403);
    expect(authRefusal(new Error("Failed to complete negotiation with the server: Error: Unauthorized: Status code '401'"))).toBe(401);
    expect(authRefusal(new Error("Failed to complete negotiation with the server: Error: Bad Gateway: Status code '502'"))).toBeNull();
    expect(authRefusal(Object.assign(new Error('Server error'), { statusCode: 500 }))).toBeNull();
    expect(authRefusal(new Error('WebSocket failed to connect.'))).toBeNull();
    expect(authRefusal(undefined)).toBeNull();
  });

  it('retries quickly first, then every 30 s forever, except after a 401/403', () => {
    expect([0, 1, 2, 3, 4, 5, 100].map(retryDelay)).toEqual([0, 2000, 5000, 10000, 30000, 30000, 30000]);
    const refused: number[] = [];
    const policy = retryUnlessRefused((status) => refused.push(status));
    expect(policy.nextRetryDelayInMilliseconds({ previousRetryCount: 1000, elapsedMilliseconds: 1e9, retryReason: new Error() })).toBe(30000);
    expect(refused).toEqual([]);
    const forbidden = Object.assign(new Error('Forbidden'), { statusCode: 403 });
    expect(policy.nextRetryDelayInMilliseconds({ previousRetryCount: 0, elapsedMilliseconds: 0, retryReason: forbidden })).toBeNull();
    expect(refused).toEqual([403]);
  });
});
