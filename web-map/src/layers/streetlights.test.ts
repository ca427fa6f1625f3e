import { describe, expect, it } from 'vitest';
import { Color, createPropertyExpression, featureFilter, latest } from '@maplibre/maplibre-gl-style-spec';
import type { FilterSpecification, LayerSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { COLORS } from '../theme';
import type { CircuitView } from '../types';
import {
  circuitVertexCount,
  lampAt,
  removeSelection,
  selectionFeatures,
  selectionLayers,
  showSelection,
  STREETLIGHT_LAYER_IDS,
  streetlightLayers,
} from './streetlights';

const layer = (id: string): LayerSpecification => streetlightLayers().find((l) => l.id === id)!;

/** Which of the streetlight layers draw a tile feature with `properties` (geometry `type`: 1 point, 2 line) at `zoom`. */
function drawnBy(properties: Record<string, unknown>, zoom: number, type = 1): string[] {
  return streetlightLayers()
    .filter((l) => {
      const spec = l as LayerSpecification & { 'source-layer': string; filter?: FilterSpecification };
      if ((spec.minzoom ?? 0) > zoom) return false;
      if ((spec['source-layer'] === 'circuits') !== (type === 2)) return false;
      return featureFilter(spec.filter, 'filter').filter({ zoom }, { type, properties } as never);
    })
    .map((l) => l.id);
}

function paintOf(id: string, property: string, properties: Record<string, unknown>, zoom = 14): unknown {
  const l = layer(id) as unknown as { type: string; paint: Record<string, unknown> };
  const spec = (latest as unknown as Record<string, Record<string, unknown>>)[`paint_${l.type}`]![property];
  const parsed = createPropertyExpression(l.paint[property], property, spec as never);
  if (parsed.result !== 'success') throw new Error(JSON.stringify(parsed.value));
  return parsed.value.evaluate({ zoom }, { type: 'Point', properties } as never);
}

const hex = (c: unknown) => '#' + ['r', 'g', 'b'].map((k) => Math.round((c as Color)[k as 'r'] * 255).toString(16).padStart(2, '0')).join('');

const LAMP = '01037';
const CABINET = '01060';

describe('streetlight layers', () => {
  it('draws each kind of feature on exactly one layer', () => {
    expect(drawnBy({ component: LAMP, status: 'normal' }, 14)).toEqual(['streetlights']);
    expect(drawnBy({ component: LAMP, status: 'faulty' }, 14)).toEqual(['streetlight-faults']);
    expect(drawnBy({ component: LAMP, status: 'off' }, 14)).toEqual(['streetlight-faults']);
    expect(drawnBy({ component: CABINET, status: 'normal' }, 14)).toEqual(['streetlight-cabinets']);
    expect(drawnBy({ component: CABINET, status: 'faulty' }, 14)).toEqual(['streetlight-cabinets']);
    expect(drawnBy({ code: '36070301060000001-1', status: 'faulty' }, 14, 2)).toEqual(['circuit-faults']);
  });

  it('keeps faults at every zoom from z10, working lamps only from z13', () => {
    for (const z of [10, 11, 12]) {
      expect(drawnBy({ component: LAMP, status: 'faulty' }, z), `z${z}`).toEqual(['streetlight-faults']);
      expect(drawnBy({ component: LAMP, status: 'normal' }, z), `z${z}`).toEqual([]);
      expect(drawnBy({ code: 'c', status: 'faulty' }, z, 2), `z${z}`).toEqual(['circuit-faults']);
    }
    expect(drawnBy({ component: LAMP, status: 'normal' }, 13)).toEqual(['streetlights']);
    expect(STREETLIGHT_LAYER_IDS).toEqual(['circuit-faults', 'streetlights', 'streetlight-faults', 'streetlight-cabinets']);
  });

  it('draws faulty lamps red (ringed lamp yellow, not white as a post) and larger than working ones, switched-off grey, cabinets dark', () => {
    for (const z of [13, 15, 18]) {
      const ok = paintOf('streetlights', 'circle-radius', { status: 'normal' }, z) as number;
      const bad = paintOf('streetlight-faults', 'circle-radius', { status: 'faulty' }, z) as number;
      const cab = paintOf('streetlight-cabinets', 'circle-radius', { status: 'normal' }, z) as number;
      expect(bad, `z${z}`).toBeGreaterThan(ok * 1.5);
      const badCab = paintOf('streetlight-cabinets', 'circle-radius', { status: 'faulty' }, z) as number;
      if (z >= 15) expect(cab, `z${z}`).toBeGreaterThan(ok * 2);
      expect(badCab, `z${z}`).toBeGreaterThan(Math.max(cab, bad));
    }
    // At the town view (z13) a working cabinet is small and faint; a faulty one is not.
    expect(paintOf('streetlight-cabinets', 'circle-opacity', { status: 'normal' }, 13)).toBeLessThan(1);
    expect(paintOf('streetlight-cabinets', 'circle-opacity', { status: 'faulty' }, 13)).toBe(1);
    expect(hex(paintOf('streetlight-faults', 'circle-stroke-color', { status: 'faulty' }))).not.toBe(COLORS.halo);
    expect(hex(paintOf('streetlight-faults', 'circle-color', { status: 'faulty' }))).toBe(COLORS.streetlightFault);
    expect(hex(paintOf('streetlight-faults', 'circle-color', { status: 'off' }))).toBe(COLORS.streetlightOff);
    expect(hex(paintOf('streetlights', 'circle-color', { status: 'normal' }))).toBe(COLORS.streetlightOk);
    expect(hex(paintOf('streetlight-cabinets', 'circle-color', { status: 'normal' }))).toBe(COLORS.cabinet);
    expect(hex(paintOf('streetlight-cabinets', 'circle-stroke-color', { status: 'normal' }))).toBe(COLORS.cabinetStroke);
    expect(hex(paintOf('streetlight-cabinets', 'circle-stroke-color', { status: 'faulty' }))).toBe(COLORS.streetlightFault);
    const line = layer('circuit-faults') as unknown as { paint: Record<string, unknown> };
    expect(line.paint['line-color']).toBe(COLORS.circuitFault);
    expect(line.paint['line-dasharray']).toEqual([2, 1.5]);
  });
});

/** Just enough of a MapLibre map for the helpers. */
function fakeMap(rendered: Array<{ layer: { id: string }; properties: Record<string, unknown> }> = [], hidden: string[] = []) {
  const sources = new Map<string, { spec: { data?: unknown }; data?: unknown }>();
  const layers = new Map<string, { layer: { id: string }; before?: string }>();
  for (const id of STREETLIGHT_LAYER_IDS) layers.set(id, { layer: { id } });
  const queries: unknown[] = [];
  const map = {
    getSource: (id: string) => {
      const s = sources.get(id);
      return s && { setData: (data: unknown) => (s.data = data) };
    },
    addSource: (id: string, spec: { data?: unknown }) => sources.set(id, { spec, data: spec.data }),
    removeSource: (id: string) => sources.delete(id),
    getLayer: (id: string) => layers.get(id)?.layer,
    addLayer: (layer: { id: string }, before?: string) => layers.set(layer.id, { layer, before }),
    removeLayer: (id: string) => layers.delete(id),
    getLayoutProperty: (id: string, name: string) => (name === 'visibility' && hidden.includes(id) ? 'none' : undefined),
    queryRenderedFeatures: (box: unknown, options: { layers: string[] }) => {
      queries.push({ box, options });
      return rendered.filter((f) => options.layers.includes(f.layer.id));
    },
  };
  return { map: map as unknown as MapLibreMap, sources, layers, queries };
}

describe('lampAt', () => {
  it('finds the lamp under the pointer, a cabinet before the lamps beside it', () => {
    const { map, queries } = fakeMap([
      { layer: { id: 'streetlights' }, properties: { code: '36070301037000002' } },
      { layer: { id: 'streetlight-cabinets' }, properties: { code: '36070301060000001' } },
    ]);
    expect(lampAt(map, { x: 100, y: 50 })).toBe('36070301060000001');
    expect(queries[0]).toEqual({
      box: [[95, 45], [105, 55]],
      options: { layers: ['streetlight-cabinets', 'streetlight-faults', 'streetlights'] },
    });
  });

  it('skips hidden layers and empty spots', () => {
    const lamp = [{ layer: { id: 'streetlights' }, properties: { code: '36070301037000002' } }];
    expect(lampAt(fakeMap(lamp, [...STREETLIGHT_LAYER_IDS]).map, { x: 1, y: 1 })).toBeNull();
    expect(lampAt(fakeMap([]).map, { x: 1, y: 1 })).toBeNull();
    expect(lampAt(fakeMap(lamp).map, { x: 1, y: 1 })).toBe('36070301037000002');
  });
});

const circuit = (n: number): CircuitView => ({
  code: '36070301060000001-2',
  status: 'faulty',
  lamps: Array.from({ length: n }, (_, i) => ({ code: `3607030103700000${i}`, seq: i + 1, lon: 115.41 + i * 0.0003, lat: 25.95, status: i === 1 ? 'faulty' : 'normal' })),
  path: n > 1 ? { type: 'LineString', coordinates: Array.from({ length: n }, (_, i) => [115.41 + i * 0.0003, 25.95]) } : { type: 'Point', coordinates: [115.41, 25.95] },
  openFaults: [],
  openReports: [],
});

describe('the selected lamp and circuit', () => {
  it('builds the line, the lamps and the ring', () => {
    const features = selectionFeatures({ lamp: { code: 'x', lon: 115.41, lat: 25.95 }, circuit: circuit(5) });
    expect(features.map((f) => f.properties.kind)).toEqual(['circuit', 'lamp', 'lamp', 'lamp', 'lamp', 'lamp', 'selected']);
    expect(circuitVertexCount(features)).toBe(5);
    expect(features[2]!.properties.status).toBe('faulty');
    // A circuit of one lamp has no line.
    expect(circuitVertexCount(selectionFeatures({ circuit: circuit(1) }))).toBe(0);
    expect(selectionFeatures({})).toEqual([]);
  });

  it('adds the source and layers below the incidents once, updates the data, removes them when empty', () => {
    const { map, sources, layers } = fakeMap();
    layers.set('incidents-selected', { layer: { id: 'incidents-selected' } });
    showSelection(map, { lamp: { code: 'x', lon: 1, lat: 2 } }, 'incidents-selected');
    expect(sources.has('circuit-selected')).toBe(true);
    expect(layers.get('circuit-selected')!.before).toBe('incidents-selected');
    const drawn = showSelection(map, { lamp: { code: 'x', lon: 1, lat: 2 }, circuit: circuit(3) }, 'incidents-selected');
    expect(circuitVertexCount(drawn)).toBe(3);
    expect((sources.get('circuit-selected')!.data as GeoJSON.FeatureCollection).features).toHaveLength(5);
    showSelection(map, {});
    expect(sources.has('circuit-selected')).toBe(false);
    expect(selectionLayers().every((l) => !layers.has(l.id))).toBe(true);
    removeSelection(map); // nothing left: no error
  });
});
