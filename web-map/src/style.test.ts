import { describe, expect, it } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import type { StyleSpecification } from 'maplibre-gl';
import {
  allLayerIds,
  baseStyle,
  basemapLayers,
  basemapSources,
  DEFAULT_VISIBILITY,
  incidentLayers,
  incidentSource,
  LAYER_GROUPS,
  SOURCES,
} from './style';

/** The style as it is once the basemap and the incidents have been added after login. */
function fullStyle(): StyleSpecification {
  const style = baseStyle();
  style.sources = {
    ...style.sources,
    ...basemapSources('http://127.0.0.1:5080'),
    [SOURCES.incidents]: incidentSource('http://127.0.0.1:5080', 1732420000000),
  };
  for (const { layer, before } of basemapLayers()) {
    const at = style.layers.findIndex((l) => l.id === before);
    expect(at, `anchor ${before}`).toBeGreaterThanOrEqual(0);
    style.layers.splice(at, 0, layer);
  }
  style.layers.push(...incidentLayers());
  return style;
}

describe('style', () => {
  it('is a valid MapLibre style', () => {
    expect(validateStyleMin(baseStyle())).toEqual([]);
    expect(validateStyleMin(fullStyle())).toEqual([]);
  });

  it('has no glyphs, sprite or external URL (labels are drawn locally)', () => {
    const style = fullStyle();
    expect(style.glyphs).toBeUndefined();
    expect(style.sprite).toBeUndefined();
    const text = JSON.stringify(style);
    const urls = text.match(/https?:\/\/[^"]+/g) ?? [];
    expect(urls.every((u) => u.startsWith('http://127.0.0.1:5080/tiles/'))).toBe(true);
    for (const layer of style.layers) {
      if (layer.type === 'symbol') expect(layer.layout?.['text-font'], layer.id).toBeUndefined();
    }
  });

  it('has the layer ids the end-to-end tests rely on, in a sensible order', () => {
    const ids = allLayerIds();
    for (const id of ['incidents-point', 'large-grid-fill', 'large-grid-line', 'unit-grid-line', 'large-grid-label', 'post-radius', 'post-point', 'buildings', 'streetlights']) {
      expect(ids).toContain(id);
    }
    expect(ids.filter((id) => id.startsWith('roads-')).length).toBeGreaterThanOrEqual(4);
    expect(ids.indexOf('buildings')).toBeLessThan(ids.indexOf('large-grid-fill'));
    expect(ids.indexOf('roads-trunk')).toBeLessThan(ids.indexOf('large-grid-fill'));
    expect(ids.indexOf('large-grid-fill')).toBeLessThan(ids.indexOf('large-grid-line'));
    expect(ids.indexOf('post-radius')).toBeLessThan(ids.indexOf('post-point'));
    // The grid labels top the grid layers; the incidents are drawn above everything.
    expect(ids.slice(-5)).toEqual(['large-grid-label', 'incidents-selected', 'incidents-point', 'incidents-label', 'incidents-fault-label']);
    // Faulted circuits under the lamps, faulty lamps above the working ones, cabinets on top; all under the posts.
    const order = ['circuit-faults', 'streetlights', 'streetlight-faults', 'streetlight-cabinets', 'post-point'].map((id) => ids.indexOf(id));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(ids.indexOf('large-grid-fill')).toBeLessThan(order[0]!);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('maps every layer to exactly one legend group, streetlights shown by default', () => {
    const grouped = Object.values(LAYER_GROUPS).flat();
    expect([...grouped].sort()).toEqual(allLayerIds().filter((id) => id !== 'background').sort());
    expect(DEFAULT_VISIBILITY.streetlights).toBe(true);
    expect([...LAYER_GROUPS.streetlights].sort()).toEqual(['circuit-faults', 'streetlight-cabinets', 'streetlight-faults', 'streetlights']);
    for (const id of LAYER_GROUPS.streetlights) {
      const layer = basemapLayers().find((l) => l.layer.id === id)!.layer;
      expect(layer.layout?.visibility, id).toBeUndefined();
      // Faults and cabinets from z10 (the tiles start there); the working lamps from z13, where the tiles have them.
      expect(layer.minzoom, id).toBe(id === 'streetlights' ? 13 : 10);
    }
  });

  it('shows the incidents by default, with a z8 tile source', () => {
    expect(DEFAULT_VISIBILITY.incidents).toBe(true);
    expect(LAYER_GROUPS.incidents).toContain('incidents-point');
    const source = incidentSource('http://x', 7);
    expect(source.minzoom).toBe(8);
    expect(source.tiles).toEqual(['http://x/tiles/incidents/{z}/{x}/{y}.pbf?v=7']);
    for (const layer of incidentLayers()) {
      expect(layer.type === 'background' ? null : (layer as { 'source-layer'?: string })['source-layer'], layer.id).toBe('incidents');
    }
  });

  it('uses tile sources from z10, maxzoom 16 (overzoomed beyond)', () => {
    for (const source of Object.values(basemapSources('http://x'))) {
      expect(source.minzoom).toBe(10);
      expect(source.maxzoom).toBe(16);
    }
  });
});
