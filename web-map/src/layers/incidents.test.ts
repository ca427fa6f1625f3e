import { describe, expect, it } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import {
  addIncidents,
  incidentAt,
  incidentTilesUrl,
  INCIDENT_LAYER_IDS,
  loadedIncidentCounts,
  refreshIncidentTiles,
  removeIncidents,
  selectIncident,
} from './incidents';

/** Just enough of a MapLibre map for the incident helpers. */
function fakeMap(rendered: Array<{ properties: Record<string, unknown> }> = []) {
  const sources = new Map<string, { spec: unknown; tiles?: string[] }>();
  const layers = new Map<string, { layer: { id: string }; layout: Record<string, unknown>; filter?: unknown }>();
  const queries: unknown[] = [];
  const map = {
    getSource: (id: string) => {
      const s = sources.get(id);
      return s && { setTiles: (tiles: string[]) => (s.tiles = tiles) };
    },
    addSource: (id: string, spec: unknown) => sources.set(id, { spec }),
    removeSource: (id: string) => sources.delete(id),
    getLayer: (id: string) => layers.get(id)?.layer,
    addLayer: (layer: { id: string }) => layers.set(layer.id, { layer, layout: {} }),
    removeLayer: (id: string) => layers.delete(id),
    setLayoutProperty: (id: string, name: string, value: unknown) => (layers.get(id)!.layout[name] = value),
    getLayoutProperty: (id: string, name: string) => layers.get(id)?.layout[name],
    setFilter: (id: string, filter: unknown) => (layers.get(id)!.filter = filter),
    queryRenderedFeatures: (box: unknown, options: unknown) => {
      queries.push({ box, options });
      return rendered;
    },
    querySourceFeatures: () => rendered,
  };
  return { map: map as unknown as MapLibreMap, sources, layers, queries };
}

describe('incident tiles', () => {
  it('builds the tile URL with an optional cache buster', () => {
    expect(incidentTilesUrl('http://h')).toBe('http://h/tiles/incidents/{z}/{x}/{y}.pbf');
    expect(incidentTilesUrl('http://h', 42)).toBe('http://h/tiles/incidents/{z}/{x}/{y}.pbf?v=42');
  });

  it('adds the source and layers once, refreshes with a new URL, removes them', () => {
    const { map, sources, layers } = fakeMap();
    expect(refreshIncidentTiles(map, 'http://h', 1)).toBe(false);
    addIncidents(map, 'http://h', false);
    addIncidents(map, 'http://h', true);
    expect([...sources.keys()]).toEqual(['incidents']);
    expect([...layers.keys()]).toEqual([...INCIDENT_LAYER_IDS]);
    expect(layers.get('incidents-point')!.layout.visibility).toBe('visible');

    expect(refreshIncidentTiles(map, 'http://h', 99)).toBe(true);
    expect(sources.get('incidents')!.tiles).toEqual(['http://h/tiles/incidents/{z}/{x}/{y}.pbf?v=99']);

    removeIncidents(map);
    expect(sources.size).toBe(0);
    expect(layers.size).toBe(0);
  });

  it('rings the selected incident', () => {
    const { map, layers } = fakeMap();
    selectIncident(map, 5); // no layer yet: nothing happens
    addIncidents(map, 'http://h', true);
    selectIncident(map, 12);
    expect(layers.get('incidents-selected')!.filter).toEqual(['==', ['to-number', ['get', 'id']], 12]);
    selectIncident(map, null);
    expect(layers.get('incidents-selected')!.filter).toEqual(['==', ['to-number', ['get', 'id']], -1]);
  });
});

describe('incidentAt', () => {
  it('finds the incident under the pointer, within a few pixels', () => {
    const { map, queries } = fakeMap([{ properties: { id: 17, state: 'overdue' } }]);
    expect(incidentAt(map, { x: 100, y: 50 })).toBeNull(); // no layer yet
    addIncidents(map, 'http://h', true);
    expect(incidentAt(map, { x: 100, y: 50 })).toBe(17);
    expect(queries[0]).toEqual({ box: [[96, 46], [104, 54]], options: { layers: ['incidents-point'] } });
  });

  it('ignores hidden incidents and empty spots', () => {
    const hidden = fakeMap([{ properties: { id: 17 } }]);
    addIncidents(hidden.map, 'http://h', false);
    expect(incidentAt(hidden.map, { x: 1, y: 1 })).toBeNull();
    const empty = fakeMap([]);
    addIncidents(empty.map, 'http://h', true);
    expect(incidentAt(empty.map, { x: 1, y: 1 })).toBeNull();
  });

  it('counts the loaded incidents', () => {
    const { map } = fakeMap([{ properties: { id: 1, state: 'new' } }, { properties: { id: 2, state: 'overdue' } }]);
    expect(loadedIncidentCounts(map)).toBeNull();
    addIncidents(map, 'http://h', true);
    expect(loadedIncidentCounts(map)).toEqual({ new: 1, open: 0, overdue: 1, closed: 0 });
  });
});
