import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import type { StyleSpecification } from 'maplibre-gl';
import { describe, expect, it } from 'vitest';
import { baseStyle } from '../style';
import { buildingLayer, buildingSource, hatchImage, LC_BELOW, LC_LAYER_IDS, LC_SOURCES, lowerLayers, upperLayers } from './layers';

function withLifeCircles(): StyleSpecification {
  const style = baseStyle();
  const empty = { type: 'geojson' as const, data: { type: 'FeatureCollection' as const, features: [] } };
  for (const [key, id] of Object.entries(LC_SOURCES)) style.sources[id] = key === 'buildings' ? buildingSource('http://127.0.0.1:5080', 'kindergarten', 2) : empty;
  const at = style.layers.findIndex((l) => l.id === LC_BELOW);
  style.layers.splice(at, 0, buildingLayer(), ...lowerLayers());
  style.layers.push(...upperLayers([5, 10, 15]));
  return style;
}

describe('life-circle layers', () => {
  it('are a valid style on top of the base style, with no sprite, glyphs or outside URL', () => {
    const style = withLifeCircles();
    // fill-pattern names an image added at run time: valid as a style, drawn once addImage ran.
    expect(validateStyleMin(style)).toEqual([]);
    expect(style.sprite).toBeUndefined();
    expect(style.glyphs).toBeUndefined();
    const urls = JSON.stringify(style).match(/https?:\/\/[^"]+/g) ?? [];
    expect(urls).toEqual(['http://127.0.0.1:5080/tiles/lifecircle/{z}/{x}/{y}.pbf?class=kindergarten&v=2']);
    for (const layer of style.layers) if (layer.type === 'symbol') expect(layer.layout?.['text-font'], layer.id).toBeUndefined();
  });

  it('put buildings under the bands, the bands under the grid lines, facilities on top', () => {
    const ids = withLifeCircles().layers.map((l) => l.id);
    expect(ids.indexOf('lc-buildings')).toBeLessThan(ids.indexOf('lc-isochrone-fill'));
    expect(ids.indexOf('lc-isochrone-fill')).toBeLessThan(ids.indexOf('lc-isochrone-line'));
    expect(ids.indexOf('lc-community-line')).toBeLessThan(ids.indexOf('unit-grid-line'));
    expect(ids.slice(-3)).toEqual(['lc-facilities-point', 'lc-facilities-short', 'lc-facilities-name']);
    expect(new Set(LC_LAYER_IDS).size).toBe(LC_LAYER_IDS.length);
    expect(buildingLayer()['source-layer' as never]).toBe('lifecircle');
  });

  it('makes the hatch from pixels: a square RGBA image with stripes', () => {
    const img = hatchImage(8);
    expect([img.width, img.height, img.data.length]).toEqual([8, 8, 256]);
    const alpha = (x: number, y: number) => img.data[(y * 8 + x) * 4 + 3];
    expect(alpha(0, 0)).toBe(220);
    expect(alpha(4, 0)).toBe(28);
    expect(alpha(7, 1)).toBe(220);
  });
});
