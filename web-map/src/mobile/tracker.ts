import { HubConnectionBuilder, HubConnectionState, LogLevel, type HubConnection } from '@microsoft/signalr';
import { LIVE_HUB_URL, retryUnlessRefused } from '../live';
import type { Fix, FixQueue, PositionsResponse } from './queue';
import { FLUSH_INTERVAL_MS } from './queue';
import type { OfferMessage } from './api';

export type HubState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';
export type GeoState = 'idle' | 'waiting' | 'ok' | 'denied' | 'unavailable' | 'unsupported';

/** Fixes worse than this are not worth sending (the server's LiveSettings.MaxAccuracyM refuses them). */
export const MAX_ACCURACY_M = 100;
/** A new fix is kept when this long has passed since the last kept one, or it moved at least KEEP_METRES. */
export const KEEP_MS = 3_000;
export const KEEP_METRES = 15;

export interface Here {
  lon: number;
  lat: number;
  accuracyM: number;
  t: string;
}

export function metresBetween(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const r = 6_371_008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Whether `next` is worth queueing after `last` (the last kept fix, or null). */
export function worthKeeping(last: Here | null, next: Here): boolean {
  if (!(next.accuracyM <= MAX_ACCURACY_M)) return false;
  if (!last) return true;
  const dt = Date.parse(next.t) - Date.parse(last.t);
  if (dt <= 0) return false;
  return dt >= KEEP_MS || metresBetween(last, next) >= KEEP_METRES;
}

export interface TrackerOptions {
  crewId: number;
  getToken: () => string | null;
  queue: FixQueue;
  hubState(state: HubState): void;
  geoState(state: GeoState, detail?: string): void;
  /** Every position the phone reports (on duty or not), for the patrol report and the route. */
  here(position: Here): void;
  offer(message: OfferMessage): void;
  /** The server refused the hub (401/403): the token is no good. */
  refused(): void;
}

/** The hub connection (offers in, fixes out) and the phone's location watch. */
export class Tracker {
  private hub: HubConnection | null = null;
  private watchId: number | null = null;
  private timer: number | undefined;
  private lastKept: Here | null = null;
  private onDuty = false;
  private stopped = false;
  private readonly onOnline = (): void => void this.flush();

  constructor(private readonly options: TrackerOptions) {}

  get connected(): boolean {
    return this.hub?.state === HubConnectionState.Connected;
  }

  /** Whether fixes can go now: the phone is online and the hub is connected. */
  canSend(): boolean {
    return (typeof navigator === 'undefined' || navigator.onLine !== false) && this.connected;
  }

  /** Sends one batch through the hub (the queue's sender). */
  async send(batch: Fix[]): Promise<PositionsResponse> {
    if (!this.hub || !this.canSend()) throw new Error('hub not connected');
    return this.hub.invoke<PositionsResponse>('Report', batch);
  }

  flush(): Promise<number> {
    return this.options.queue.flush();
  }

  async start(): Promise<void> {
    this.stopped = false;
    const hub = new HubConnectionBuilder()
      .withUrl(LIVE_HUB_URL, { accessTokenFactory: () => this.options.getToken() ?? '' })
      .withAutomaticReconnect(retryUnlessRefused(() => this.options.refused()))
      .configureLogging(LogLevel.None)
      .build();
    this.hub = hub;
    hub.on('offer', (message: OfferMessage) => this.options.offer(message));
    hub.onreconnecting(() => this.options.hubState('reconnecting'));
    hub.onreconnected(() => {
      this.options.hubState('connected');
      void this.flush();
    });
    hub.onclose(() => {
      if (this.hub !== hub || this.stopped) return;
      this.options.hubState('disconnected');
      // Closed for good (the retries gave up): try again from scratch a little later.
      window.setTimeout(() => {
        if (this.hub === hub && !this.stopped) void this.connect(hub);
      }, 10_000);
    });
    window.addEventListener('online', this.onOnline);
    this.timer = window.setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.watch();
    await this.connect(hub);
  }

  private async connect(hub: HubConnection): Promise<void> {
    this.options.hubState('connecting');
    for (let attempt = 0; !this.stopped && this.hub === hub; attempt++) {
      try {
        await hub.start();
        this.options.hubState('connected');
        void this.flush();
        return;
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 401 || status === 403 || /Status code '(401|403)'/.test(String(error))) {
          this.options.refused();
          return;
        }
        this.options.hubState('reconnecting');
        // The next try after a growing wait, or at once when the phone comes back online.
        await new Promise<void>((r) => {
          const done = (): void => {
            window.clearTimeout(timer);
            window.removeEventListener('online', done);
            r();
          };
          const timer = window.setTimeout(done, Math.min(30_000, 2_000 * (attempt + 1)));
          window.addEventListener('online', done);
        });
      }
    }
  }

  setDuty(onDuty: boolean): void {
    this.onDuty = onDuty;
    if (!onDuty) this.lastKept = null;
  }

  /** Starts watching the phone's position (asks for the permission the first time). */
  watch(): void {
    if (this.watchId !== null) return;
    if (typeof navigator === 'undefined' || !navigator.geolocation) {
      this.options.geoState('unsupported');
      return;
    }
    this.options.geoState('waiting');
    this.watchId = navigator.geolocation.watchPosition(
      (p) => this.position(p),
      (e) => {
        if (e.code === e.PERMISSION_DENIED) {
          this.options.geoState('denied', e.message);
          if (this.watchId !== null) navigator.geolocation.clearWatch(this.watchId);
          this.watchId = null;
        } else this.options.geoState('unavailable', e.message || String(e.code));
      },
      { enableHighAccuracy: true, maximumAge: 0, timeout: 30_000 },
    );
  }

  private position(p: GeolocationPosition): void {
    const here: Here = {
      lon: p.coords.longitude,
      lat: p.coords.latitude,
      accuracyM: Number.isFinite(p.coords.accuracy) ? p.coords.accuracy : 0,
      // The fix's own time: a fix replayed after a dead zone keeps when it was taken.
      t: new Date(Number.isFinite(p.timestamp) && p.timestamp > 0 ? p.timestamp : Date.now()).toISOString(),
    };
    this.options.geoState('ok');
    this.options.here(here);
    if (!this.onDuty || !worthKeeping(this.lastKept, here)) return;
    this.lastKept = here;
    const fix: Fix = { crewId: this.options.crewId, lon: here.lon, lat: here.lat, t: here.t, accuracyM: Math.round(here.accuracyM * 10) / 10 };
    void this.options.queue.add(fix).then(() => {
      if (this.options.queue.due) void this.flush();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    window.clearInterval(this.timer);
    window.removeEventListener('online', this.onOnline);
    if (this.watchId !== null && typeof navigator !== 'undefined') navigator.geolocation.clearWatch(this.watchId);
    this.watchId = null;
    const hub = this.hub;
    this.hub = null;
    if (hub) await hub.stop().catch(() => undefined);
  }
}
