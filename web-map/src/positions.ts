import type { LonLat } from './geo';
import type { PositionFix } from './types';

/** Pure logic of the live crew positions: the latest fix per crew, the tween that draws a move, the view's bbox. */

/** The hub pushes positions once per tick; a move is drawn over about that long. */
export const LIVE_TICK_MS = 500;

/** A jump longer than this (in degrees, ~1 km) is drawn at once: sliding across town would show a path never taken. */
export const MAX_ANIMATED_JUMP_DEG = 0.01;

/** An instant as epoch milliseconds plus the nanoseconds past them that .NET sends (`…:00.1234567Z`). */
export interface Instant {
  ms: number;
  ns: number;
}

/** Reads an ISO 8601 instant exactly enough to order fixes a tick (100 ns) apart; null when unparsable. */
export function parseInstant(iso: unknown): Instant | null {
  if (typeof iso !== 'string') return null;
  const m = /^(.*T\d{2}:\d{2}:\d{2})\.(\d+)(.*)$/.exec(iso);
  const ms = m ? Date.parse(`${m[1]}.${m[2]!.slice(0, 3).padEnd(3, '0')}${m[3]}`) : Date.parse(iso);
  if (!Number.isFinite(ms)) return null;
  return { ms, ns: m && m[2]!.length > 3 ? Number(m[2]!.slice(3, 9).padEnd(6, '0')) : 0 };
}

/** Negative when `a` is earlier than `b`, 0 for the same instant. */
export const compareInstants = (a: Instant, b: Instant): number => a.ms - b.ms || a.ns - b.ns;

/** A fix the client accepted. `t` is the ISO string as received, `at` the same instant for ordering. */
export interface AcceptedFix {
  crewId: number;
  lon: number;
  lat: number;
  t: string;
  at: Instant;
}

const isLon = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= -180 && v <= 180;
const isLat = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= -90 && v <= 90;

/** A well-formed fix from a hub message, or null (bad id, coordinates out of range, unparsable time). */
export function parseFix(raw: unknown): AcceptedFix | null {
  if (!raw || typeof raw !== 'object') return null;
  const { crewId, lon, lat, t } = raw as Partial<PositionFix>;
  if (typeof crewId !== 'number' || !Number.isInteger(crewId) || !isLon(lon) || !isLat(lat) || typeof t !== 'string') return null;
  const at = parseInstant(t);
  return at ? { crewId, lon, lat, t, at } : null;
}

/** The latest fix per crew. A fix no newer than the one known for its crew is stale and dropped. */
export class LatestFixes {
  private readonly byCrew = new Map<number, AcceptedFix>();

  /** Keeps `raw` if it is well formed and newer than what is known; returns the accepted fix, or null. */
  accept(raw: unknown): AcceptedFix | null {
    const fix = parseFix(raw);
    if (!fix) return null;
    const known = this.byCrew.get(fix.crewId);
    if (known && compareInstants(fix.at, known.at) <= 0) return null;
    this.byCrew.set(fix.crewId, fix);
    return fix;
  }

  get(crewId: number): AcceptedFix | undefined {
    return this.byCrew.get(crewId);
  }

  has(crewId: number): boolean {
    return this.byCrew.has(crewId);
  }

  ids(): IterableIterator<number> {
    return this.byCrew.keys();
  }

  get size(): number {
    return this.byCrew.size;
  }

  clear(): void {
    this.byCrew.clear();
  }
}

/** A move being drawn: from `from` at `start` to `to` at `start + duration` (ms on the animation clock). */
export interface Tween {
  from: LonLat;
  to: LonLat;
  start: number;
  duration: number;
}

export const lerpLonLat = (a: LonLat, b: LonLat, k: number): LonLat => [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k];

/** Where the tween is at `now`: `from` before it starts, exactly `to` once it is over. Linear, so back-to-back ticks move at an even pace. */
export function tweenAt(tween: Tween, now: number): LonLat {
  const k = tween.duration > 0 ? (now - tween.start) / tween.duration : 1;
  if (k >= 1) return tween.to;
  if (k <= 0) return tween.from;
  return lerpLonLat(tween.from, tween.to, k);
}

export const tweenDone = (tween: Tween, now: number): boolean => now >= tween.start + tween.duration;

/**
 * The tween toward a new fix: it starts where the crew is drawn now (mid-move included), so nothing jumps.
 * A crew drawn for the first time, or one that jumped too far, is put straight at `to`.
 */
export function retarget(current: Tween | undefined, to: LonLat, now: number, duration = LIVE_TICK_MS): Tween {
  if (!current) return { from: to, to, start: now, duration: 0 };
  const from = tweenAt(current, now);
  const far = Math.abs(to[0] - from[0]) > MAX_ANIMATED_JUMP_DEG || Math.abs(to[1] - from[1]) > MAX_ANIMATED_JUMP_DEG;
  return far ? { from: to, to, start: now, duration: 0 } : { from, to, start: now, duration };
}

export type BBox4 = [number, number, number, number];

/** The share of the view's width and height added on every side, so crews about to enter the view are already moving. */
export const SUBSCRIBE_MARGIN = 0.1;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

/**
 * The bbox to subscribe to for a view `[west, south, east, north]` (MapLibre's bounds may run past ±180 when the
 * world repeats): widened by `margin`, clamped to valid lon/lat, min ≤ max. A view wrapping the whole world
 * gives every longitude. Null when the input is not a finite box.
 */
export function subscriptionBBox(view: readonly number[], margin = SUBSCRIBE_MARGIN): BBox4 | null {
  if (view.length !== 4 || !view.every(Number.isFinite)) return null;
  let [w, s, e, n] = view as BBox4;
  if (w > e) [w, e] = [e, w];
  if (s > n) [s, n] = [n, s];
  const dx = (e - w) * margin;
  const dy = (n - s) * margin;
  [w, e, s, n] = [w - dx, e + dx, s - dy, n + dy];
  if (e - w >= 360) [w, e] = [-180, 180];
  return [round6(clamp(w, -180, 180)), round6(clamp(s, -90, 90)), round6(clamp(e, -180, 180)), round6(clamp(n, -90, 90))];
}
