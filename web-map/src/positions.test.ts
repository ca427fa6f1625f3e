import { describe, expect, it } from 'vitest';
import {
  compareInstants,
  LatestFixes,
  lerpLonLat,
  LIVE_TICK_MS,
  parseFix,
  parseInstant,
  retarget,
  subscriptionBBox,
  tweenAt,
  tweenDone,
  type Tween,
} from './positions';

const fix = (crewId: number, t: string, lon = 115.41, lat = 25.95) => ({ crewId, lon, lat, t });

describe('parseInstant', () => {
  const ms = (iso: string) => parseInstant(iso)?.ms;

  it('reads ISO instants, with or without offset and fraction', () => {
    expect(ms('2026-11-24T04:30:00Z')).toBe(Date.UTC(2026, 10, 24, 4, 30, 0));
    expect(ms('2026-11-24T12:30:00+08:00')).toBe(Date.UTC(2026, 10, 24, 4, 30, 0));
    expect(ms('2026-11-24T04:30:00.5Z')).toBe(Date.UTC(2026, 10, 24, 4, 30, 0, 500));
    expect(parseInstant('nonsense')).toBeNull();
    expect(parseInstant(42)).toBeNull();
  });

  it('keeps the ticks past the millisecond that .NET sends', () => {
    const a = parseInstant('2026-11-24T04:30:00.1234567Z')!;
    const b = parseInstant('2026-11-24T04:30:00.1234568Z')!;
    expect(a).toEqual({ ms: Date.UTC(2026, 10, 24, 4, 30, 0, 123), ns: 456700 });
    expect(compareInstants(b, a)).toBeGreaterThan(0);
    expect(compareInstants(a, a)).toBe(0);
    expect(compareInstants(parseInstant('2026-11-24T12:30:00.1239+08:00')!, parseInstant('2026-11-24T04:30:00.123Z')!)).toBeGreaterThan(0);
  });
});

describe('parseFix', () => {
  it('accepts a well-formed fix and keeps its ISO time', () => {
    expect(parseFix(fix(5, '2026-11-24T04:30:00Z'))).toEqual({
      crewId: 5,
      lon: 115.41,
      lat: 25.95,
      t: '2026-11-24T04:30:00Z',
      at: { ms: Date.UTC(2026, 10, 24, 4, 30), ns: 0 },
    });
  });

  it('rejects junk', () => {
    for (const bad of [
      null,
      'x',
      [],
      { crewId: '5', lon: 1, lat: 1, t: '2026-11-24T04:30:00Z' },
      { crewId: 1.5, lon: 1, lat: 1, t: '2026-11-24T04:30:00Z' },
      fix(5, '2026-11-24T04:30:00Z', 181),
      fix(5, '2026-11-24T04:30:00Z', 115, -91),
      fix(5, '2026-11-24T04:30:00Z', Number.NaN),
      fix(5, 'yesterday'),
      { crewId: 5, lon: 1, lat: 1 },
    ]) {
      expect(parseFix(bad), JSON.stringify(bad)).toBeNull();
    }
  });
});

describe('LatestFixes', () => {
  it('keeps the newest fix per crew and drops stale or equal ones', () => {
    const store = new LatestFixes();
    expect(store.accept(fix(1, '2026-11-24T04:30:01Z', 115.1))).not.toBeNull();
    // An older message from another tile group arrives late: dropped.
    expect(store.accept(fix(1, '2026-11-24T04:30:00.500Z', 115.2))).toBeNull();
    // The same instant again (a crew on the edge of two tile groups): dropped.
    expect(store.accept(fix(1, '2026-11-24T04:30:01Z', 115.3))).toBeNull();
    expect(store.get(1)!.lon).toBe(115.1);
    expect(store.accept(fix(1, '2026-11-24T04:30:01.500Z', 115.4))!.lon).toBe(115.4);
    expect(store.get(1)!.t).toBe('2026-11-24T04:30:01.500Z');
  });

  it('orders by instant, not by string, and keeps crews apart', () => {
    const store = new LatestFixes();
    store.accept(fix(1, '2026-11-24T12:30:05+08:00', 115.1));
    // Earlier as an instant although it sorts later as a string.
    expect(store.accept(fix(1, '2026-11-24T04:30:04Z', 115.2))).toBeNull();
    expect(store.accept(fix(2, '2026-11-24T04:30:04Z', 115.3))).not.toBeNull();
    expect([...store.ids()].sort()).toEqual([1, 2]);
    expect(store.size).toBe(2);
    expect(store.has(3)).toBe(false);
    store.clear();
    expect(store.size).toBe(0);
  });

  it('ignores junk without touching what it knows', () => {
    const store = new LatestFixes();
    store.accept(fix(1, '2026-11-24T04:30:00Z'));
    expect(store.accept({ crewId: 1, lon: 999, lat: 0, t: '2026-11-24T05:00:00Z' })).toBeNull();
    expect(store.get(1)!.t).toBe('2026-11-24T04:30:00Z');
  });
});

describe('tweens', () => {
  const tween: Tween = { from: [115.4, 25.9], to: [115.5, 26.0], start: 1000, duration: 500 };

  it('interpolates linearly and lands exactly on the target', () => {
    expect(lerpLonLat([0, 0], [10, 20], 0.25)).toEqual([2.5, 5]);
    expect(tweenAt(tween, 900)).toEqual([115.4, 25.9]);
    expect(tweenAt(tween, 1000)).toEqual([115.4, 25.9]);
    const mid = tweenAt(tween, 1250);
    expect(mid[0]).toBeCloseTo(115.45, 10);
    expect(mid[1]).toBeCloseTo(25.95, 10);
    expect(tweenAt(tween, 1500)).toBe(tween.to);
    expect(tweenAt(tween, 99999)).toBe(tween.to);
    expect(tweenDone(tween, 1499)).toBe(false);
    expect(tweenDone(tween, 1500)).toBe(true);
  });

  it('puts a crew seen for the first time straight at its fix', () => {
    const t = retarget(undefined, [115.41, 25.95], 2000);
    expect(tweenAt(t, 2000)).toEqual([115.41, 25.95]);
    expect(tweenDone(t, 2000)).toBe(true);
  });

  it('starts a new move where the crew is drawn now, mid-move included', () => {
    const moving: Tween = { from: [115.4, 25.9], to: [115.402, 25.902], start: 0, duration: 500 };
    const next = retarget(moving, [115.404, 25.904], 250);
    expect(next.from[0]).toBeCloseTo(115.401, 10);
    expect(next.from[1]).toBeCloseTo(25.901, 10);
    expect(next.to).toEqual([115.404, 25.904]);
    expect(next.start).toBe(250);
    expect(next.duration).toBe(LIVE_TICK_MS);
    expect(tweenAt(next, 250)).toEqual(next.from);
  });

  it('jumps instead of sliding across town', () => {
    const still: Tween = { from: [115.4, 25.9], to: [115.4, 25.9], start: 0, duration: 0 };
    const next = retarget(still, [115.45, 25.9], 100, 500);
    expect(next.duration).toBe(0);
    expect(tweenAt(next, 100)).toEqual([115.45, 25.9]);
  });
});

describe('subscriptionBBox', () => {
  it('widens the view by the margin', () => {
    expect(subscriptionBBox([115.4, 25.9, 115.5, 26.0], 0.1)).toEqual([115.39, 25.89, 115.51, 26.01]);
    expect(subscriptionBBox([115.4, 25.9, 115.5, 26.0], 0)).toEqual([115.4, 25.9, 115.5, 26.0]);
  });

  it('clamps to valid lon/lat', () => {
    expect(subscriptionBBox([-200, -95, 10, 100], 0)).toEqual([-180, -90, 10, 90]);
    expect(subscriptionBBox([170, 80, 185, 89], 0.1)).toEqual([168.5, 79.1, 180, 89.9]);
  });

  it('gives every longitude for a view wrapping the world, and orders min ≤ max', () => {
    expect(subscriptionBBox([-300, -10, 300, 10], 0)).toEqual([-180, -10, 180, 10]);
    expect(subscriptionBBox([115.5, 26.0, 115.4, 25.9], 0)).toEqual([115.4, 25.9, 115.5, 26.0]);
  });

  it('refuses a box that is not four finite numbers', () => {
    expect(subscriptionBBox([1, 2, 3])).toBeNull();
    expect(subscriptionBBox([1, 2, Number.NaN, 4])).toBeNull();
    expect(subscriptionBBox([1, 2, Number.POSITIVE_INFINITY, 4])).toBeNull();
  });
});
