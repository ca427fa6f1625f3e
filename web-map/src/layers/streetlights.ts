import type {
  ExpressionSpecification,
  FilterSpecification,
  GeoJSONSource,
  LayerSpecification,
  Map as MapLibreMap,
  PointLike,
} from 'maplibre-gl';
import { CABINET_COMPONENT, COLORS, LAMP_COMPONENT, SOURCES, zoomInterp } from '../theme';
import type { CircuitView } from '../types';

/*
 * Streetlights on the map. The tiles (`/tiles/streetlights`) carry every lamp and cabinet from z13 and, below that, only
 * the ones not normal; a second layer, `circuits`, has the line of each faulted circuit at every zoom. So the layers can
 * start at z10 and let the server thin: a fault is never hidden by zoom, the thousands of working lamps only come close up.
 */

export const STREETLIGHT_LAYER = 'streetlights';
export const STREETLIGHT_FAULT_LAYER = 'streetlight-faults';
export const CABINET_LAYER = 'streetlight-cabinets';
export const CIRCUIT_FAULT_LAYER = 'circuit-faults';
/** The layers a click on a lamp or cabinet is looked for in, topmost first. */
export const LAMP_CLICK_LAYERS = [CABINET_LAYER, STREETLIGHT_FAULT_LAYER, STREETLIGHT_LAYER] as const;

export const CIRCUIT_SELECTED_LINE = 'circuit-selected';
export const CIRCUIT_SELECTED_LAMPS = 'circuit-selected-lamps';
export const LAMP_SELECTED = 'lamp-selected';
export const SELECTION_LAYER_IDS = [CIRCUIT_SELECTED_LINE, CIRCUIT_SELECTED_LAMPS, LAMP_SELECTED] as const;

/** The zoom from which working lamps are drawn (the tiles hold them from z13). */
export const NORMAL_LAMPS_FROM = 13;

const isLamp: ExpressionSpecification = ['==', ['get', 'component'], LAMP_COMPONENT];
const isCabinet: ExpressionSpecification = ['==', ['get', 'component'], CABINET_COMPONENT];
const isNormal: ExpressionSpecification = ['==', ['get', 'status'], 'normal'];

/** `circle-color` of a lamp that is not normal: switched off on purpose is grey, anything else (faulty) red. */
const faultColor: ExpressionSpecification = ['match', ['get', 'status'], 'off', COLORS.streetlightOff, COLORS.streetlightFault];

/** The streetlight layers, bottom to top: faulted circuits, working lamps, lamps not working, cabinets. */
export function streetlightLayers(): LayerSpecification[] {
  const base = { source: SOURCES.streetlights } as const;
  return [
    {
      id: CIRCUIT_FAULT_LAYER,
      type: 'line',
      ...base,
      'source-layer': 'circuits',
      minzoom: 10,
      layout: { 'line-join': 'round', 'line-cap': 'butt' },
      paint: {
        'line-color': COLORS.circuitFault,
        'line-width': zoomInterp([[10, 1.6], [14, 2.6], [18, 4.5]], 1),
        'line-dasharray': [2, 1.5],
        'line-opacity': 0.9,
      },
    },
    {
      id: STREETLIGHT_LAYER,
      type: 'circle',
      ...base,
      'source-layer': 'streetlights',
      minzoom: NORMAL_LAMPS_FROM,
      filter: ['all', isLamp, isNormal] as FilterSpecification,
      paint: {
        'circle-color': COLORS.streetlightOk,
        'circle-radius': zoomInterp([[13, 1], [15, 1.8], [18, 3.5]], 1),
        'circle-opacity': zoomInterp([[13, 0.5], [15, 1]], 1),
        'circle-stroke-color': COLORS.streetlightOkStroke,
        'circle-stroke-width': zoomInterp([[13, 0], [15, 0.4]], 1),
      },
    },
    {
      id: STREETLIGHT_FAULT_LAYER,
      type: 'circle',
      ...base,
      'source-layer': 'streetlights',
      minzoom: 10,
      filter: ['all', isLamp, ['!', isNormal]] as FilterSpecification,
      layout: { 'circle-sort-key': ['match', ['get', 'status'], 'off', 0, 1] },
      paint: {
        'circle-color': faultColor,
        'circle-radius': zoomInterp([[10, 2.6], [13, 3.6], [16, 5], [18, 7]], 1),
        'circle-stroke-color': COLORS.streetlightFaultStroke,
        'circle-stroke-width': zoomInterp([[10, 0.8], [15, 1.4]], 1),
      },
    },
    {
      id: CABINET_LAYER,
      type: 'circle',
      ...base,
      'source-layer': 'streetlights',
      minzoom: 10,
      filter: isCabinet as FilterSpecification,
      // Working cabinets (from z13) stay small and faint at the town view and grow closer in; a faulty one is large
      // and ringed red at every zoom.
      layout: { 'circle-sort-key': ['case', isNormal, 0, 1] },
      paint: {
        'circle-color': COLORS.cabinet,
        'circle-radius': zoomInterp([[10, ['case', isNormal, 2, 4]], [13, ['case', isNormal, 2, 5]], [15, ['case', isNormal, 4, 6]], [18, ['case', isNormal, 7.5, 9.5]]], 1),
        'circle-opacity': zoomInterp([[13, ['case', isNormal, 0.55, 1]], [14.5, 1]], 1),
        'circle-stroke-opacity': zoomInterp([[13, ['case', isNormal, 0.55, 1]], [14.5, 1]], 1),
        'circle-stroke-color': ['case', isNormal, COLORS.cabinetStroke, COLORS.streetlightFault],
        'circle-stroke-width': zoomInterp([[13, ['case', isNormal, 0.8, 2.5]], [15, ['case', isNormal, 1.5, 2.5]]], 1),
      },
    },
  ];
}

export const STREETLIGHT_LAYER_IDS: readonly string[] = streetlightLayers().map((l) => l.id);

/** The lamp or cabinet drawn under `point` (within `tolerance` px), topmost first, or null. */
export function lampAt(map: MapLibreMap, point: { x: number; y: number }, tolerance = 5): string | null {
  const layers = LAMP_CLICK_LAYERS.filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none');
  if (!layers.length) return null;
  const box: [PointLike, PointLike] = [
    [point.x - tolerance, point.y - tolerance],
    [point.x + tolerance, point.y + tolerance],
  ];
  const found = map.queryRenderedFeatures(box, { layers: [...layers] });
  // queryRenderedFeatures answers topmost first; a cabinet wins over the lamps around it.
  for (const id of LAMP_CLICK_LAYERS) {
    const f = found.find((x) => x.layer.id === id && typeof x.properties?.code === 'string');
    if (f) return String(f.properties.code);
  }
  return null;
}

/* ---------- the selected lamp and circuit (a GeoJSON source of their own, on top of the basemap) ---------- */

export type SelectionFeature = GeoJSON.Feature<GeoJSON.Geometry, { kind: 'circuit' | 'lamp' | 'selected'; code: string; status?: string }>;

export interface Selection {
  /** The lamp or cabinet the panel shows, ringed. */
  lamp?: { code: string; lon: number; lat: number } | null;
  /** The circuit drawn after "show circuit". */
  circuit?: CircuitView | null;
}

/** The features of the selection source: the circuit's line, its lamps, the ring of the selected lamp. */
export function selectionFeatures(selection: Selection): SelectionFeature[] {
  const features: SelectionFeature[] = [];
  const c = selection.circuit;
  if (c) {
    const path = c.path;
    if (path?.type === 'LineString' && Array.isArray(path.coordinates) && path.coordinates.length > 1) {
      features.push({ type: 'Feature', geometry: path, properties: { kind: 'circuit', code: c.code, status: c.status } });
    }
    for (const lamp of c.lamps) {
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [lamp.lon, lamp.lat] },
        properties: { kind: 'lamp', code: lamp.code, status: lamp.status },
      });
    }
  }
  const l = selection.lamp;
  if (l) features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [l.lon, l.lat] }, properties: { kind: 'selected', code: l.code } });
  return features;
}

/** The number of vertices of the circuit line in `features` (0 when none is drawn). */
export function circuitVertexCount(features: readonly SelectionFeature[]): number {
  const line = features.find((f) => f.properties.kind === 'circuit');
  return line && line.geometry.type === 'LineString' ? line.geometry.coordinates.length : 0;
}

/** The layers of the selection source, bottom to top. */
export function selectionLayers(): LayerSpecification[] {
  const base = { source: SOURCES.circuitSelected } as const;
  return [
    {
      id: CIRCUIT_SELECTED_LINE,
      type: 'line',
      ...base,
      filter: ['==', ['get', 'kind'], 'circuit'],
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': COLORS.circuitSelected,
        'line-width': zoomInterp([[10, 2.5], [14, 4], [18, 7]], 1),
        'line-opacity': 0.85,
      },
    },
    {
      id: CIRCUIT_SELECTED_LAMPS,
      type: 'circle',
      ...base,
      filter: ['==', ['get', 'kind'], 'lamp'],
      paint: {
        'circle-color': ['match', ['get', 'status'], 'normal', COLORS.streetlightOk, 'off', COLORS.streetlightOff, COLORS.streetlightFault],
        // The lamps not working stay as large as on their own layer, so they still read red on the drawn circuit.
        'circle-radius': zoomInterp([[10, ['case', isNormal, 2.5, 3.5]], [14, ['case', isNormal, 3.5, 5.5]], [18, ['case', isNormal, 6, 8.5]]], 1),
        'circle-stroke-color': COLORS.circuitSelected,
        'circle-stroke-width': ['case', isNormal, 1.5, 2],
      },
    },
    {
      id: LAMP_SELECTED,
      type: 'circle',
      ...base,
      filter: ['==', ['get', 'kind'], 'selected'],
      paint: {
        'circle-color': 'rgba(0,0,0,0)',
        'circle-radius': zoomInterp([[10, 7], [14, 9], [18, 13]], 1),
        'circle-stroke-color': COLORS.incidentSelected,
        'circle-stroke-width': 2.5,
      },
    },
  ];
}

/**
 * Draws `selection` (adding the source and layers on first use, below `before` when that layer exists) and returns
 * the features drawn. An empty selection removes the layers and the source.
 */
export function showSelection(map: MapLibreMap, selection: Selection, before?: string): SelectionFeature[] {
  const features = selectionFeatures(selection);
  if (!features.length) {
    removeSelection(map);
    return features;
  }
  const data: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features };
  const source = map.getSource<GeoJSONSource>(SOURCES.circuitSelected);
  if (source) source.setData(data);
  else map.addSource(SOURCES.circuitSelected, { type: 'geojson', data });
  for (const layer of selectionLayers()) {
    if (!map.getLayer(layer.id)) map.addLayer(layer, before && map.getLayer(before) ? before : undefined);
  }
  return features;
}

export function removeSelection(map: MapLibreMap): void {
  for (const id of SELECTION_LAYER_IDS) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(SOURCES.circuitSelected)) map.removeSource(SOURCES.circuitSelected);
}
