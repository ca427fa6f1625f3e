import { Color, createPropertyExpression, latest } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import { DISTANCE_CLASSES, DISTANCE_COLORS, distanceClass, distanceColorExpression } from './breaks';

const spec = (latest as unknown as { paint_fill: Record<string, unknown> }).paint_fill['fill-color'];
const parsed = createPropertyExpression(distanceColorExpression(), 'fill-color', spec as never);
const colourOf = (properties: Record<string, unknown>): string => {
  if (parsed.result !== 'success') throw new Error(JSON.stringify(parsed.value));
  const c = parsed.value.evaluate({ zoom: 15 }, { type: 'Polygon', properties } as never) as Color;
  return '#' + [c.r, c.g, c.b].map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('');
};

describe('building colours by walking distance', () => {
  it('uses fixed breaks 300 / 500 / 1000 m, inclusive, and unreachable for no distance', () => {
    expect([0, 300, 300.4, 500, 500.1, 1000, 1000.5, 5000].map(distanceClass)).toEqual(['le300', 'le300', 'le500', 'le500', 'le1000', 'le1000', 'beyond', 'beyond']);
    expect(distanceClass(undefined)).toBe('unreachable');
    expect(distanceClass(Number.NaN)).toBe('unreachable');
  });

  it('is a valid fill-color expression that agrees with the classes', () => {
    expect(parsed.result).toBe('success');
    for (const m of [0, 120, 300, 301, 500, 777, 1000, 1001, 4000]) expect(colourOf({ id: 1, metres: m }), String(m)).toBe(DISTANCE_COLORS[distanceClass(m)]);
    expect(colourOf({ id: 1 })).toBe(DISTANCE_COLORS.unreachable);
    expect(colourOf({ id: 1, metres: 'far' })).toBe(DISTANCE_COLORS.unreachable);
  });

  it('has five distinct colours', () => {
    expect(new Set(DISTANCE_CLASSES.map((k) => DISTANCE_COLORS[k])).size).toBe(5);
  });
});
