import { describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { assignGridColors, colorForCode, GRID_PALETTE, hashString } from './colors';
import { bbox, bboxesTouch } from './geo';

const square = (x: number, y: number, size = 1): Polygon => ({
  type: 'Polygon',
  coordinates: [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
});

/** A 5 × 3 block of touching large grids, like the 15 of the demo county. */
const grids = Array.from({ length: 15 }, (_, i) => ({
  code: `LG${String(i + 1).padStart(2, '0')}`,
  geometry: square(115.38 + (i % 5) * 0.014, 25.93 + Math.floor(i / 5) * 0.017, 0.014),
}));

describe('colour assignment', () => {
  it('hashString and colorForCode are stable', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('LG01')).toBe(hashString('LG01'));
    expect(colorForCode('LG01')).toBe(colorForCode('LG01'));
    expect(GRID_PALETTE).toContain(colorForCode('whatever'));
  });

  it('gives every grid a palette colour', () => {
    const colors = assignGridColors(grids);
    expect(colors.size).toBe(grids.length);
    for (const g of grids) expect(GRID_PALETTE).toContain(colors.get(g.code));
  });

  it('is stable: same result for the same grids in any order, and on every call', () => {
    const a = assignGridColors(grids);
    const b = assignGridColors([...grids].reverse());
    const c = assignGridColors([...grids.filter((_, i) => i % 2), ...grids.filter((_, i) => !(i % 2))]);
    for (const g of grids) {
      expect(b.get(g.code)).toBe(a.get(g.code));
      expect(c.get(g.code)).toBe(a.get(g.code));
    }
  });

  it('gives touching grids different colours', () => {
    const colors = assignGridColors(grids);
    for (const g of grids) {
      for (const h of grids) {
        if (g.code < h.code && bboxesTouch(bbox(g.geometry), bbox(h.geometry))) {
          expect(colors.get(g.code), `${g.code} vs ${h.code}`).not.toBe(colors.get(h.code));
        }
      }
    }
  });

  it('keeps the hash colour of a grid with no neighbours', () => {
    const lone = { code: 'LG99', geometry: square(0, 0) };
    expect(assignGridColors([lone]).get('LG99')).toBe(colorForCode('LG99'));
  });
});
