import {
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
  type HubConnection,
  type IRetryPolicy,
} from '@microsoft/signalr';
import type { BBox4 } from './positions';
import type { GeofenceEvent, IncidentEvent, SubscribeResult } from './types';

/** The SignalR connection to `/hubs/live`: crew positions, incident changes, geofence notices, offers. */

export const LIVE_HUB_URL = '/hubs/live';

/**
 * `connecting` is the first attempt after sign-in; every later attempt is `reconnecting`. `refused`: the server said
 * 401/403 to who is asking, so nothing is tried again until the next sign-in.
 */
export type LiveState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'refused';

/** The value of `<body data-live-state>`: connected, reconnecting (any attempt under way), disconnected or refused. */
export const liveStateAttribute = (state: LiveState): Exclude<LiveState, 'connecting'> =>
  state === 'connecting' ? 'reconnecting' : state;

/** The roles the hub admits (the server's `Policies.Live`); a planner's map does not open it at all. */
export const LIVE_ROLES = ['admin', 'dispatcher', 'leader', 'crew'] as const;

export const canWatchLive = (roles: readonly string[] | null | undefined): boolean =>
  !!roles?.some((r) => (LIVE_ROLES as readonly string[]).includes(r.toLowerCase()));

/**
 * 401 or 403 when the server refused the connection for who is asking (trying again cannot help), else null. The
 * SignalR client keeps the status only in the message of a failed negotiation ("... Status code '403'").
 */
export function authRefusal(error: unknown): 401 | 403 | null {
  const status = (error as { statusCode?: unknown } | null | undefined)?.statusCode;
  if (status === 401 || status === 403) return status;
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  const match = /Status code '(401|403)'/.exec(message);
  return match ? (Number(match[1]) as 401 | 403) : null;
}

/** Waits between reconnect attempts; the last one repeats for as long as the user stays signed in. */
export const RETRY_DELAYS_MS: readonly number[] = [0, 2_000, 5_000, 10_000, 30_000];

export const retryDelay = (previousRetryCount: number): number =>
  RETRY_DELAYS_MS[Math.min(Math.max(0, previousRetryCount), RETRY_DELAYS_MS.length - 1)]!;

/** Never gives up on a lost connection (a dispatch screen left open overnight must come back by itself), only on a 401/403. */
export function retryUnlessRefused(onRefused: (status: 401 | 403) => void): IRetryPolicy {
  return {
    nextRetryDelayInMilliseconds: (ctx) => {
      const refused = authRefusal(ctx.retryReason);
      if (refused === null) return retryDelay(ctx.previousRetryCount);
      onRefused(refused);
      return null;
    },
  };
}

/** The part of a HubConnection used here; tests pass a fake. */
export type HubLike = Pick<
  HubConnection,
  'start' | 'stop' | 'invoke' | 'on' | 'onclose' | 'onreconnecting' | 'onreconnected' | 'state'
>;

export interface LiveHandlers {
  state(state: LiveState): void;
  /** The raw array of a `positions` message: `{ crewId, lon, lat, t }` each, possibly stale or out of order. */
  positions(fixes: unknown[]): void;
  incident(event: IncidentEvent): void;
  geofence(event: GeofenceEvent): void;
  offer(event: Record<string, unknown>): void;
  subscribed?(result: SubscribeResult): void;
  /** The server refused the connection (401/403); the state is `refused` and nothing is retried. */
  refused?(status: 401 | 403): void;
}

export interface LiveOptions {
  url?: string;
  getToken: () => string | null;
  handlers: LiveHandlers;
  /** Builds the connection; the default is HubConnectionBuilder with automatic reconnect by `retry` (JSON protocol). */
  connect?: (url: string, accessTokenFactory: () => string, retry: IRetryPolicy) => HubLike;
}

export interface Live {
  /** Connects (idempotent) and keeps trying, also after a failed first attempt, until stop() or a 401/403. */
  start(): void;
  stop(): Promise<void>;
  /** Remembers the area and sends it now if connected; it is sent again after every (re)connect. */
  subscribe(bbox: BBox4 | null): void;
  readonly state: LiveState;
}

function defaultConnect(url: string, accessTokenFactory: () => string, retry: IRetryPolicy): HubLike {
  // The token goes as `access_token` in the query string for WebSockets, which cannot carry a header.
  return new HubConnectionBuilder()
    .withUrl(url, { accessTokenFactory })
    .withAutomaticReconnect(retry)
    .configureLogging(LogLevel.Warning)
    .build();
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function createLive(options: LiveOptions): Live {
  const url = options.url ?? LIVE_HUB_URL;
  const connect = options.connect ?? defaultConnect;
  const on = options.handlers;
  let hub: HubLike | null = null;
  let generation = 0;
  let state: LiveState = 'disconnected';
  let bbox: BBox4 | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when the server refused this connection: it stays closed until stop() and start() (the next sign-in). */
  let refused: 401 | 403 | null = null;

  const setState = (next: LiveState): void => {
    if (next === state) return;
    state = next;
    on.state(next);
  };

  const refuse = (mine: number, status: 401 | 403): void => {
    if (mine !== generation) return;
    clearTimeout(retryTimer);
    if (refused === null) console.warn(`[live] the server refused the live connection (${status}); not retrying`);
    refused = status;
    setState('refused');
    on.refused?.(status);
  };

  async function sendSubscription(mine: number): Promise<void> {
    const area = bbox;
    if (!area || !hub || mine !== generation || hub.state !== HubConnectionState.Connected) return;
    try {
      const result = await hub.invoke<SubscribeResult>('Subscribe', { bbox: area });
      if (mine === generation && result) on.subscribed?.(result);
    } catch (error) {
      if (mine === generation) console.warn('[live] Subscribe failed', error);
    }
  }

  async function open(mine: number, attempt: number): Promise<void> {
    if (!hub || mine !== generation) return;
    setState(attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      await hub.start();
    } catch (error) {
      if (mine !== generation) return;
      const status = authRefusal(error);
      if (status !== null) return refuse(mine, status);
      console.warn('[live] connecting failed', error);
      setState('reconnecting');
      retryTimer = setTimeout(() => void open(mine, attempt + 1), retryDelay(attempt + 1));
      return;
    }
    if (mine !== generation) return;
    setState('connected');
    await sendSubscription(mine);
  }

  return {
    start() {
      if (hub) return;
      const mine = ++generation;
      refused = null;
      const connection = connect(
        url,
        () => options.getToken() ?? '',
        retryUnlessRefused((status) => {
          if (mine === generation) refused = status;
        }),
      );
      hub = connection;
      const mineOnly =
        <A extends unknown[]>(fn: (...args: A) => void) =>
        (...args: A): void => {
          if (mine === generation) fn(...args);
        };
      connection.on('positions', mineOnly((fixes: unknown) => on.positions(Array.isArray(fixes) ? fixes : [])));
      connection.on('incident', mineOnly((event: unknown) => isObject(event) && on.incident(event as unknown as IncidentEvent)));
      connection.on('geofence', mineOnly((event: unknown) => isObject(event) && on.geofence(event as unknown as GeofenceEvent)));
      connection.on('offer', mineOnly((event: unknown) => isObject(event) && on.offer(event)));
      connection.onreconnecting(mineOnly(() => setState('reconnecting')));
      connection.onreconnected(
        mineOnly(() => {
          setState('connected');
          void sendSubscription(mine);
        }),
      );
      // Only when the automatic reconnect stopped: refused (401/403) stays so; otherwise start over after a while.
      connection.onclose(
        mineOnly((error?: Error) => {
          const status = refused ?? authRefusal(error);
          if (status !== null) return refuse(mine, status);
          setState('disconnected');
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => void open(mine, 1), retryDelay(RETRY_DELAYS_MS.length));
        }),
      );
      void open(mine, 0);
    },

    async stop() {
      generation++;
      clearTimeout(retryTimer);
      const connection = hub;
      hub = null;
      setState('disconnected');
      if (connection) await connection.stop().catch(() => undefined);
    },

    subscribe(next) {
      bbox = next;
      void sendSubscription(generation);
    },

    get state() {
      return state;
    },
  };
}
