import { Color, createPropertyExpression, latest } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import { I18n } from '../i18n';
import { MemoryStorage } from '../ready';
import { BAND_COLORS, bandColorExpression, bandLegend, bandOutlines, bandsForMap, bandSortKey, formatMetres } from './bands';
import { BANDS } from '../testing/fakeLifeCircle';
import type { IsochroneCollection } from './types';

function evaluate(layer: 'fill' | 'layout_fill', property: string, expression: unknown, properties: Record<string, unknown>): unknown {
  const group = layer === 'fill' ? 'paint_fill' : 'layout_fill';
  const spec = (latest as unknown as Record<string, Record<string, unknown>>)[group]![property];
  const parsed = createPropertyExpression(expression, property, spec as never);
  if (parsed.result !== 'success') throw new Error(JSON.stringify(parsed.value));
  return parsed.value.evaluate({ zoom: 14 }, { type: 'Polygon', properties } as never);
}
const hex = (c: Color) => '#' + [c.r, c.g, c.b].map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('');

describe('isochrone bands', () => {
  it('has one distinct colour per band, by minutes', () => {
    expect(new Set(Object.values(BAND_COLORS)).size).toBe(3);
    for (const m of [5, 10, 15]) expect(hex(evaluate('fill', 'fill-color', bandColorExpression(), { minutes: m }) as Color)).toBe(BAND_COLORS[m]);
  });

  it('draws the 5-minute band on top of the others', () => {
    const key = (m: number) => evaluate('layout_fill', 'fill-sort-key', bandSortKey(), { minutes: m }) as number;
    expect(key(5)).toBeGreaterThan(key(10));
    expect(key(10)).toBeGreaterThan(key(15));
  });

  it('hands the bands to the map outermost first, polygons only', () => {
    const mixed: IsochroneCollection = { ...BANDS, features: [...BANDS.features, { type: 'Feature', geometry: null as never, properties: { minutes: 20, metres: 1 } }] };
    expect(bandsForMap(mixed).features.map((f) => f.properties.minutes)).toEqual([15, 10, 5]);
  });

  it('makes the legend shortest walk first, with the server\'s metres', () => {
    const reversed = { ...BANDS, features: [...BANDS.features].reverse() };
    expect(bandLegend(reversed)).toEqual([
      { minutes: 5, metres: 375, color: BAND_COLORS[5] },
      { minutes: 10, metres: 750, color: BAND_COLORS[10] },
      { minutes: 15, metres: 1125, color: BAND_COLORS[15] },
    ]);
    expect(bandLegend(null)).toEqual([]);
    const i18n = new I18n(new MemoryStorage());
    expect(bandLegend(BANDS).map((b) => `${i18n.t('lc.iso.band', { minutes: b.minutes })} ${i18n.t('lc.iso.metres', { metres: formatMetres(b.metres) })}`)).toEqual([
      '5 分钟步行 约 375 m',
      '10 分钟步行 约 750 m',
      '15 分钟步行 约 1,125 m',
    ]);
    i18n.set('en');
    expect(i18n.t('lc.iso.band', { minutes: 5 })).toBe('5 min walk');
  });

  it('outlines only the outer edge of each band, not its holes', () => {
    const outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]];
    const hole = [[1, 1], [2, 1], [2, 2], [1, 1]];
    const other = [[5, 5], [6, 5], [6, 6], [5, 5]];
    const fc: IsochroneCollection = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[outer, hole], [other]] }, properties: { minutes: 10, metres: 800 } }],
    };
    expect(bandOutlines(fc).features).toEqual([{ type: 'Feature', geometry: { type: 'MultiLineString', coordinates: [outer, other] }, properties: { minutes: 10, metres: 800 } }]);
    expect(bandOutlines(null).features).toEqual([]);
  });

  it('writes metres', () => {
    expect(formatMetres(300)).toBe('300 m');
    expect(formatMetres(999.6)).toBe('1,000 m');
    expect(formatMetres(undefined)).toBe('—');
  });
});
