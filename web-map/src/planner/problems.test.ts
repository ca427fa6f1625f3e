import { describe, expect, it } from 'vitest';
import { geometryBounds, padBounds, problemCounts, problemFeatures, problemItems } from './problems';
import type { Problem } from './types';

const gap: Problem = { kind: 'gap', level: 'unit', codes: ['U2', 'U1'], detail: '缝隙 3.2 m', geometry: { type: 'Polygon', coordinates: [[[115.4, 25.95], [115.401, 25.95], [115.401, 25.9501], [115.4, 25.95]]] } };
const overlap: Problem = { kind: 'overlap', level: 'unit', codes: ['U5', 'U3'], geometry: { type: 'Point', coordinates: [115.41, 25.96] } };
const code: Problem = { kind: 'codeRule', codes: ['X'], detail: 'not 15 digits', geometry: null };
const odd: Problem = { kind: 'somethingNew', codes: [], detail: '  ' };

describe('problem list', () => {
  it('orders by kind (gaps first, unknown kinds last), then first code, and numbers them', () => {
    const items = problemItems([odd, code, overlap, gap, { ...gap, codes: ['A0'] }]);
    expect(items.map((i) => [i.idx, i.kind, i.codes[0]])).toEqual([
      [0, 'gap', 'A0'],
      [1, 'gap', 'U2'],
      [2, 'overlap', 'U5'],
      [3, 'codeRule', 'X'],
      [4, 'somethingNew', undefined],
    ]);
    expect(items[1]!.detail).toBe('缝隙 3.2 m');
    expect(items[4]!.detail).toBe('');
    expect(items.map((i) => i.hasGeometry)).toEqual([true, true, true, false, false]);
    expect(items[0]!.level).toBe('unit');
    expect(items[3]!.level).toBe('');
  });

  it('counts kinds in list order', () => {
    expect(problemCounts([overlap, gap, gap, code])).toEqual([['gap', 2], ['overlap', 1], ['codeRule', 1]]);
  });

  it('makes one red feature per located problem, carrying its number', () => {
    const fc = problemFeatures(problemItems([gap, code, overlap]));
    expect(fc.features.map((f) => [f.id, f.properties!.kind, f.geometry.type])).toEqual([[0, 'gap', 'Polygon'], [1, 'overlap', 'Point']]);
  });

  it('bounds any geometry and pads tiny ones to be seen with their surroundings', () => {
    expect(geometryBounds(gap.geometry)).toEqual([[115.4, 25.95], [115.401, 25.9501]]);
    expect(geometryBounds({ type: 'GeometryCollection', geometries: [overlap.geometry!, { type: 'LineString', coordinates: [[115.2, 25.1], [115.3, 25.2]] }] })).toEqual([[115.2, 25.1], [115.41, 25.96]]);
    expect(geometryBounds({ type: 'MultiPolygon', coordinates: [] })).toBeNull();
    expect(geometryBounds(null)).toBeNull();
    const [[w, s], [e, n]] = padBounds([[115.41, 25.96], [115.41, 25.96]], 0.002);
    expect(e - w).toBeCloseTo(0.002);
    expect(n - s).toBeCloseTo(0.002);
    expect((w + e) / 2).toBeCloseTo(115.41);
    expect(padBounds([[0, 0], [1, 1]], 0.002, 1)).toEqual([[0, 0], [1, 1]]);
    expect(padBounds([[0, 0], [1, 1]])).toEqual([[-0.5, -0.5], [1.5, 1.5]]);
  });
});
