import { describe, expect, it } from 'vitest';
import { metresBetween, worthKeeping, type Here } from './tracker';

const at = (s: number, lon = 115.4, accuracyM = 5): Here => ({ lon, lat: 25.95, accuracyM, t: new Date(Date.UTC(2026, 11, 1, 8, 0, s)).toISOString() });

describe('worthKeeping', () => {
  it('keeps the first fix, then one every few seconds or after a move', () => {
    expect(worthKeeping(null, at(0))).toBe(true);
    expect(worthKeeping(at(0), at(1))).toBe(false);
    expect(worthKeeping(at(0), at(3))).toBe(true);
    expect(worthKeeping(at(0), at(1, 115.4003))).toBe(true);
  });
  it('drops fixes worse than the server accepts and fixes not newer than the last', () => {
    expect(worthKeeping(null, at(0, 115.4, 250))).toBe(false);
    expect(worthKeeping(at(5), at(5, 115.41))).toBe(false);
  });
  it('measures metres on the sphere', () => {
    expect(metresBetween({ lon: 115.4, lat: 25.95 }, { lon: 115.4003, lat: 25.95 })).toBeCloseTo(30, 0);
  });
});
