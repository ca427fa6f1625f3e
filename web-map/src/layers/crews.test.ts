import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import type { Map as MapLibreMap, StyleSpecification } from 'maplibre-gl';
import type { CrewCollection } from '../crews';
import { allLayerIds, baseStyle, LAYER_GROUPS } from '../style';
import type { Crew } from '../types';
import { addCrews, CREW_LAYER_IDS, crewLayers, crewSource, createCrewsLayer, HOLD_MAX_MS, removeCrews } from './crews';

/** Just enough of a MapLibre map: sources with setData, layers with a `before`. */
function fakeMap() {
  const data: CrewCollection[] = [];
  const sources = new Map<string, unknown>();
  const order: string[] = [];
  const layout = new Map<string, Record<string, unknown>>();
  const map = {
    getSource: (id: string) => (sources.has(id) ? { setData: (d: CrewCollection) => data.push(structuredClone(d)) } : undefined),
    addSource: (id: string, spec: unknown) => sources.set(id, spec),
    removeSource: (id: string) => sources.delete(id),
    getLayer: (id: string) => (order.includes(id) ? { id } : undefined),
    addLayer: (layer: { id: string }, before?: string) => {
      order.splice(before ? order.indexOf(before) : order.length, 0, layer.id);
      layout.set(layer.id, {});
    },
    removeLayer: (id: string) => order.splice(order.indexOf(id), 1),
    setLayoutProperty: (id: string, name: string, value: unknown) => (layout.get(id)![name] = value),
  };
  return { map: map as unknown as MapLibreMap, data, sources, order, layout };
}

/** requestAnimationFrame by hand: `step()` runs the frame queued, on the clock set by the test. */
function frames() {
  let queued: (() => void) | null = null;
  let handle = 0;
  const clock = { now: 0 };
  return {
    clock,
    requestFrame: (cb: () => void) => {
      queued = cb;
      return ++handle;
    },
    cancelFrame: () => {
      queued = null;
    },
    get pending() {
      return queued !== null;
    },
    step(at?: number) {
      if (at !== undefined) clock.now = at;
      const cb = queued;
      queued = null;
      cb?.();
    },
  };
}

const NOW = Date.UTC(2026, 10, 24, 4, 30, 0);

const crew = (id: number, over: Partial<Crew> = {}): Crew => ({
  id,
  name: `队员${id}`,
  employeeNo: `CG${id}`,
  teamId: 1,
  teamName: '一班',
  largeGridCode: 'LG01',
  role: 'sanitation',
  shift: 'early',
  onShift: true,
  position: { lon: 115.4, lat: 25.9, t: '2026-11-24T04:29:50Z', ageS: 10 },
  ...over,
});

function setup() {
  const m = fakeMap();
  addCrews(m.map, true);
  const f = frames();
  const counts: number[] = [];
  const layer = createCrewsLayer({
    map: m.map,
    now: () => NOW,
    frameClock: () => f.clock.now,
    requestFrame: f.requestFrame,
    cancelFrame: f.cancelFrame,
    animationMs: 500,
    onCount: (n) => counts.push(n),
  });
  const last = () => m.data[m.data.length - 1]!;
  return { ...m, f, layer, counts, last };
}

describe('crew layers', () => {
  it('are a valid style, under the grid names and the incidents, in their own legend group', () => {
    const style: StyleSpecification = baseStyle();
    style.sources = { ...style.sources, crews: crewSource() };
    style.layers.splice(style.layers.findIndex((l) => l.id === 'large-grid-label'), 0, ...crewLayers());
    expect(validateStyleMin(style)).toEqual([]);
    const ids = allLayerIds();
    expect(ids.indexOf('crews-point')).toBeLessThan(ids.indexOf('large-grid-label'));
    expect(ids.indexOf('crews-label')).toBeLessThan(ids.indexOf('incidents-point'));
    expect([...LAYER_GROUPS.crews]).toEqual([...CREW_LAYER_IDS]);
  });

  it('are added once, before the large grid names when present, and removed', () => {
    const m = fakeMap();
    m.map.addLayer({ id: 'large-grid-label' } as never);
    addCrews(m.map, false);
    addCrews(m.map, true);
    expect(m.order).toEqual(['crews-point', 'crews-label', 'large-grid-label']);
    expect([...m.sources.keys()]).toEqual(['crews']);
    expect(m.layout.get('crews-point')!.visibility).toBe('visible');
    removeCrews(m.map);
    expect(m.order).toEqual(['large-grid-label']);
    expect(m.sources.size).toBe(0);
  });
});

describe('createCrewsLayer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('draws the crews of the list at their positions, feature id = crew id', () => {
    const { layer, f, last, counts } = setup();
    layer.setRoster([crew(1), crew(2, { position: null }), crew(3, { onShift: false, position: { lon: 115.42, lat: 25.91, t: '2026-11-24T04:29:00Z', ageS: 60 } })], NOW);
    f.step(0);
    expect(last().features.map((x) => x.id)).toEqual([1, 3]);
    expect(last().features[0]!.geometry.coordinates).toEqual([115.4, 25.9]);
    expect(last().features.map((x) => x.properties.dim)).toEqual([0, 1]);
    expect(layer.latest(1)).toEqual({ lon: 115.4, lat: 25.9, t: '2026-11-24T04:29:50Z' });
    expect(layer.latest(2)).toBeNull();
    expect(layer.rendered(1)).toEqual([115.4, 25.9]);
    expect(layer.rendered(2)).toBeNull();
    expect(counts).toEqual([2]);
    expect(f.pending).toBe(false);
  });

  it('moves a crew smoothly to a new fix, in the one source, and drops stale fixes', () => {
    const { layer, f, last, data } = setup();
    layer.setRoster([crew(1)], NOW);
    f.step(0);
    f.clock.now = 1000;
    expect(layer.accept([{ crewId: 1, lon: 115.402, lat: 25.902, t: '2026-11-24T04:30:00Z' }])).toEqual([]);
    // Older than what is known: dropped, whatever order the tile groups' messages come in.
    layer.accept([{ crewId: 1, lon: 115.3, lat: 25.8, t: '2026-11-24T04:29:59Z' }]);
    expect(layer.latest(1)).toEqual({ lon: 115.402, lat: 25.902, t: '2026-11-24T04:30:00Z' });
    f.step(1250);
    const mid = last().features[0]!.geometry.coordinates;
    expect(mid[0]).toBeCloseTo(115.401, 9);
    expect(mid[1]).toBeCloseTo(25.901, 9);
    expect(layer.rendered(1)![0]).toBeCloseTo(115.401, 9);
    expect(f.pending).toBe(true);
    f.step(1600);
    expect(layer.rendered(1)).toEqual([115.402, 25.902]);
    expect(f.pending).toBe(false);
    // Every frame went to the same source as a whole collection.
    expect(data.every((d) => d.type === 'FeatureCollection' && d.features.length === 1)).toBe(true);
  });

  it('returns crews the list does not know, and draws them until it does', () => {
    const { layer, f, last } = setup();
    layer.setRoster([crew(1)], NOW);
    expect(layer.accept([{ crewId: 9, lon: 115.41, lat: 25.91, t: '2026-11-24T04:30:00Z' }, { crewId: 1, lon: 115.4, lat: 25.9, t: '2026-11-24T04:30:00Z' }])).toEqual([9]);
    expect(layer.accept('not a list')).toEqual([]);
    f.step(0);
    expect(last().features.find((x) => x.id === 9)!.properties).toMatchObject({ name: '', role: '' });
    layer.setRoster([crew(1), crew(9, { position: null })], NOW);
    f.step(1);
    expect(last().features.find((x) => x.id === 9)!.properties).toMatchObject({ name: '队员9', role: 'sanitation' });
    expect(layer.rendered(9)).toEqual([115.41, 25.91]);
  });

  it('a list fetched later does not move a crew back to an older position', () => {
    const { layer, f } = setup();
    layer.accept([{ crewId: 1, lon: 115.401, lat: 25.901, t: '2026-11-24T04:30:00Z' }]);
    layer.setRoster([crew(1)], NOW);
    f.step(0);
    expect(layer.latest(1)!.t).toBe('2026-11-24T04:30:00Z');
    expect(layer.rendered(1)).toEqual([115.401, 25.901]);
  });

  it('hands nothing to the source while held, and catches up on release', () => {
    const { layer, f, data } = setup();
    layer.setRoster([crew(1)], NOW);
    f.step(0);
    const release = layer.hold();
    const before = data.length;
    layer.accept([{ crewId: 1, lon: 115.401, lat: 25.901, t: '2026-11-24T04:30:00Z' }]);
    f.step(100);
    expect(data.length).toBe(before);
    expect(layer.latest(1)!.lon).toBe(115.401);
    release();
    release();
    f.step(2000);
    expect(layer.rendered(1)).toEqual([115.401, 25.901]);
  });

  it('lets go of a hold by itself when the map never goes idle', () => {
    const { layer, f } = setup();
    layer.hold();
    layer.accept([{ crewId: 1, lon: 115.401, lat: 25.901, t: '2026-11-24T04:30:00Z' }]);
    expect(f.pending).toBe(false);
    vi.advanceTimersByTime(HOLD_MAX_MS);
    expect(f.pending).toBe(true);
  });

  it('fades a crew whose fix has gone stale on redraw, and clears', () => {
    let now = NOW;
    const m = fakeMap();
    addCrews(m.map, true);
    const f = frames();
    const counts: number[] = [];
    const layer = createCrewsLayer({ map: m.map, now: () => now, frameClock: () => f.clock.now, requestFrame: f.requestFrame, cancelFrame: f.cancelFrame, onCount: (n) => counts.push(n) });
    layer.setRoster([crew(1)], NOW);
    f.step(0);
    expect(m.data.at(-1)!.features[0]!.properties.dim).toBe(0);
    now = NOW + 300_000;
    layer.redraw();
    f.step(1);
    expect(m.data.at(-1)!.features[0]!.properties.dim).toBe(1);
    layer.clear();
    expect(m.data.at(-1)!.features).toEqual([]);
    expect(layer.latest(1)).toBeNull();
    expect(layer.rendered(1)).toBeNull();
    expect(layer.count).toBe(0);
    expect(counts).toEqual([1, 0]);
  });
});
