import { describe, expect, it } from 'vitest';
import { bbox, circlePolygon, destination, haversine, labelPoint, pointInPolygon, ringSignedArea } from './geo';
import type { Polygon } from 'geojson';

const CENTER: [number, number] = [115.415, 25.955];

describe('haversine', () => {
  it('is zero for the same point and symmetric', () => {
    expect(haversine(CENTER, CENTER)).toBe(0);
    const other: [number, number] = [115.45, 25.98];
    expect(haversine(CENTER, other)).toBeCloseTo(haversine(other, CENTER), 9);
  });

  it('gives ~111.2 km for one degree of latitude', () => {
    expect(haversine([115, 25], [115, 26])).toBeGreaterThan(111_100);
    expect(haversine([115, 25], [115, 26])).toBeLessThan(111_300);
  });
});

describe('destination', () => {
  it('goes the requested distance', () => {
    for (const bearing of [0, 45, 90, 180, 270, 333]) {
      expect(haversine(CENTER, destination(CENTER, 1234, bearing))).toBeCloseTo(1234, 3);
    }
  });

  it('goes north for bearing 0 and east for 90', () => {
    const n = destination(CENTER, 1000, 0);
    const e = destination(CENTER, 1000, 90);
    expect(n[1]).toBeGreaterThan(CENTER[1]);
    expect(n[0]).toBeCloseTo(CENTER[0], 9);
    expect(e[0]).toBeGreaterThan(CENTER[0]);
  });
});

describe('circlePolygon', () => {
  for (const [radius, steps] of [
    [50, 16],
    [300, 64],
    [1500, 64],
    [800, 7],
  ] as const) {
    it(`r=${radius} m, ${steps} steps: closed ring with every vertex on the circle (±0.5%)`, () => {
      const polygon = circlePolygon(CENTER, radius, steps);
      expect(polygon.type).toBe('Polygon');
      expect(polygon.coordinates).toHaveLength(1);
      const ring = polygon.coordinates[0]!;
      expect(ring).toHaveLength(steps + 1);
      expect(ring[0]).toEqual(ring[ring.length - 1]);
      for (const vertex of ring) {
        const d = haversine(CENTER, vertex);
        expect(Math.abs(d - radius) / radius).toBeLessThan(0.005);
      }
      // distinct vertices
      const keys = new Set(ring.slice(0, -1).map((p) => p.join(',')));
      expect(keys.size).toBe(steps);
    });
  }

  it('winds counter-clockwise (RFC 7946 exterior ring) and contains its centre', () => {
    const polygon = circlePolygon(CENTER, 500, 32);
    expect(ringSignedArea(polygon.coordinates[0]!)).toBeGreaterThan(0);
    expect(pointInPolygon(CENTER, polygon.coordinates)).toBe(true);
  });

  it('has an area close to πr² (planar, metres)', () => {
    const r = 1000;
    const ring = circlePolygon(CENTER, r, 128).coordinates[0]!;
    const mPerDegLat = 111_195;
    const mPerDegLon = mPerDegLat * Math.cos((CENTER[1] * Math.PI) / 180);
    const area = ringSignedArea(ring.map(([x, y]) => [x! * mPerDegLon, y! * mPerDegLat]));
    expect(Math.abs(area - Math.PI * r * r) / (Math.PI * r * r)).toBeLessThan(0.01);
  });

  it('rejects a non-positive radius and clamps steps to at least 3', () => {
    expect(() => circlePolygon(CENTER, 0, 16)).toThrow(RangeError);
    expect(() => circlePolygon(CENTER, Number.NaN, 16)).toThrow(RangeError);
    expect(circlePolygon(CENTER, 10, 1).coordinates[0]).toHaveLength(4);
  });
});

describe('labelPoint', () => {
  it('returns the centroid of a convex polygon', () => {
    const square: Polygon = {
      type: 'Polygon',
      coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]],
    };
    const p = labelPoint(square)!;
    expect(p[0]).toBeCloseTo(1, 9);
    expect(p[1]).toBeCloseTo(1, 9);
  });

  it('falls inside a U-shaped polygon whose centroid is outside', () => {
    const u: Polygon = {
      type: 'Polygon',
      coordinates: [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]],
    };
    const p = labelPoint(u)!;
    expect(pointInPolygon(p, u.coordinates)).toBe(true);
  });

  it('uses the largest part of a MultiPolygon', () => {
    const p = labelPoint({
      type: 'MultiPolygon',
      coordinates: [
        [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
        [[[10, 10], [14, 10], [14, 14], [10, 14], [10, 10]]],
      ],
    })!;
    expect(p[0]).toBeCloseTo(12, 9);
    expect(p[1]).toBeCloseTo(12, 9);
  });
});

describe('bbox', () => {
  it('covers every part', () => {
    expect(
      bbox({
        type: 'MultiPolygon',
        coordinates: [
          [[[0, 0], [1, 0], [1, 1], [0, 0]]],
          [[[5, -2], [6, 3], [5, 3], [5, -2]]],
        ],
      }),
    ).toEqual([0, -2, 6, 3]);
  });
});
