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

/** `connecting` is the first attempt after sign-in; every later attempt is `reconnecting`. */
export type LiveState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** The value of `<body data-live-state>`: connected, reconnecting (any attempt under way) or disconnected. */
export const liveStateAttribute = (state: LiveState): 'connected' | 'reconnecting' | 'disconnected' =>
  state === 'connecting' ? 'reconnecting' : state;

/** Waits between reconnect attempts; the last one repeats for as long as the user stays signed in. */
export const RETRY_DELAYS_MS: readonly number[] = [0, 2_000, 5_000, 10_000, 30_000];

export const retryDelay = (previousRetryCount: number): number =>
  RETRY_DELAYS_MS[Math.min(Math.max(0, previousRetryCount), RETRY_DELAYS_MS.length - 1)]!;

/** Never gives up: a dispatch screen left open overnight must come back by itself. */
export const retryForever: IRetryPolicy = { nextRetryDelayInMilliseconds: (ctx) => retryDelay(ctx.previousRetryCount) };

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
}

export interface LiveOptions {
  url?: string;
  getToken: () => string | null;
  handlers: LiveHandlers;
  /** Builds the connection; the default is HubConnectionBuilder with automatic reconnect (JSON protocol). */
  connect?: (url: string, accessTokenFactory: () => string) => HubLike;
}

export interface Live {
  /** Connects (idempotent) and keeps trying, also after a failed first attempt, until stop(). */
  start(): void;
  stop(): Promise<void>;
  /** Remembers the area and sends it now if connected; it is sent again after every (re)connect. */
  subscribe(bbox: BBox4 | null): void;
  readonly state: LiveState;
}

function defaultConnect(url: string, accessTokenFactory: () => string): HubLike {
  // The token goes as `access_token` in the query string for WebSockets, which cannot carry a header.
  return new HubConnectionBuilder()
    .withUrl(url, { accessTokenFactory })
    .withAutomaticReconnect(retryForever)
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

  const setState = (next: LiveState): void => {
    if (next === state) return;
    state = next;
    on.state(next);
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
      const connection = connect(url, () => options.getToken() ?? '');
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
      // Only when the automatic reconnect stopped (or the server refused it): start over after a while.
      connection.onclose(
        mineOnly(() => {
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
