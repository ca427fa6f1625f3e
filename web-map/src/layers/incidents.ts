import type {
  ExpressionSpecification,
  LayerSpecification,
  Map as MapLibreMap,
  PointLike,
  VectorSourceSpecification,
  VectorTileSource,
} from 'maplibre-gl';
import { byIncidentState, incidentColorExpression, type IncidentCounts, countIncidents } from '../incidents';
import { COLORS, halo, SOURCES, zoomInterp } from '../theme';

export const INCIDENT_POINT_LAYER = 'incidents-point';
export const INCIDENT_LABEL_LAYER = 'incidents-label';
export const INCIDENT_SELECTED_LAYER = 'incidents-selected';
export const INCIDENT_FAULT_LABEL_LAYER = 'incidents-fault-label';
export const INCIDENT_SOURCE_LAYER = 'incidents';

/** The labels of circuit and cabinet fault cases on the map (the UI language's; Chinese until told). */
export interface FaultLabels {
  circuit: string;
  cabinet: string;
}
export const ZH_FAULT_LABELS: FaultLabels = { circuit: '回路故障', cabinet: '配电箱故障' };

/** A circuit or cabinet fault case (tile property `asset`), as opposed to a lamp report or any other incident. */
export const isFaultCase: ExpressionSpecification = ['match', ['get', 'asset'], ['circuit', 'cabinet'], true, false];
/** A lamp report a circuit or cabinet fault absorbed (tile property `fault_id`). */
export const isAbsorbed: ExpressionSpecification = ['has', 'fault_id'];

/** `case` over fault case / absorbed report / any other incident. */
const byKind = (fault: number | string, absorbed: number | string, other: ExpressionSpecification | number | string): ExpressionSpecification =>
  ['case', isFaultCase, fault, isAbsorbed, absorbed, other] as ExpressionSpecification;

const faultLabelField = (labels: FaultLabels): ExpressionSpecification => [
  'match',
  ['get', 'asset'],
  'circuit',
  labels.circuit,
  'cabinet',
  labels.cabinet,
  '',
];

/** The tile URL template; `version` (a cache buster) is appended as `?v=` so a refresh asks the server again. */
export function incidentTilesUrl(origin: string, version?: number | string): string {
  const base = `${origin}/tiles/incidents/{z}/{x}/{y}.pbf`;
  return version === undefined ? base : `${base}?v=${encodeURIComponent(String(version))}`;
}

/** The authenticated incidents tile source (served from z8, overzoomed beyond 16). */
export function incidentSource(origin: string, version?: number | string): VectorSourceSpecification {
  return { type: 'vector', tiles: [incidentTilesUrl(origin, version)], minzoom: 8, maxzoom: 16 };
}

const NO_SELECTION = -1;

const stateOrder = byIncidentState({ new: 2, open: 1, overdue: 3, closed: 0 }, 0);

/**
 * The incident layers, bottom to top; they go on top of everything else. Circuit and cabinet faults are drawn larger
 * with a thick dark-red ring and labelled from z12; the lamp reports a fault absorbed are drawn small and faint.
 */
export function incidentLayers(faultLabels: FaultLabels = ZH_FAULT_LABELS): LayerSpecification[] {
  const base = { source: SOURCES.incidents, 'source-layer': INCIDENT_SOURCE_LAYER } as const;
  return [
    {
      id: INCIDENT_SELECTED_LAYER,
      type: 'circle',
      ...base,
      filter: ['==', ['to-number', ['get', 'id']], NO_SELECTION],
      paint: {
        'circle-color': 'rgba(0,0,0,0)',
        'circle-radius': zoomInterp([[10, 9], [14, 12], [18, 16]], 1),
        'circle-stroke-color': COLORS.incidentSelected,
        'circle-stroke-width': 2.5,
      },
    },
    {
      id: INCIDENT_POINT_LAYER,
      type: 'circle',
      ...base,
      // Faults above everything, absorbed reports below; among the others overdue on top, then new, open, closed.
      layout: {
        'circle-sort-key': ['case', isFaultCase, ['+', 10, stateOrder], isAbsorbed, -1, stateOrder] as ExpressionSpecification,
      },
      paint: {
        'circle-color': incidentColorExpression(),
        'circle-radius': zoomInterp(
          [
            [10, byKind(6, 2.5, byIncidentState({ new: 3.5, open: 3.5, overdue: 5, closed: 3 }, 3))],
            [14, byKind(9, 3.5, byIncidentState({ new: 5.5, open: 5.5, overdue: 7.5, closed: 4.5 }, 4.5))],
            [18, byKind(13, 5, byIncidentState({ new: 8, open: 8, overdue: 11, closed: 6.5 }, 6.5))],
          ],
          1,
        ),
        'circle-stroke-color': byKind(COLORS.incidentFaultStroke, COLORS.incidentStroke, COLORS.incidentStroke),
        'circle-stroke-width': byKind(3, 0.8, byIncidentState({ new: 1.5, open: 1.5, overdue: 2.5, closed: 1 }, 1)),
        'circle-opacity': byKind(1, 0.45, byIncidentState({ new: 1, open: 1, overdue: 1, closed: 0.75 }, 0.75)),
        'circle-stroke-opacity': byKind(1, 0.6, 1),
      },
    },
    {
      id: INCIDENT_LABEL_LAYER,
      type: 'symbol',
      ...base,
      minzoom: 16,
      // Faults have their own label; the reports a fault absorbed stay quiet.
      filter: ['all', ['!=', ['get', 'state'], 'closed'], ['!', isFaultCase], ['!', isAbsorbed]],
      layout: {
        'text-field': ['to-string', ['get', 'category_name']],
        'text-size': 11,
        'text-anchor': 'top',
        'text-offset': [0, 0.9],
        'text-max-width': 8,
        'text-optional': true,
      },
      paint: { 'text-color': COLORS.incidentLabel, ...halo },
    },
    {
      id: INCIDENT_FAULT_LABEL_LAYER,
      type: 'symbol',
      ...base,
      minzoom: 12,
      filter: ['all', ['!=', ['get', 'state'], 'closed'], isFaultCase],
      layout: {
        'text-field': faultLabelField(faultLabels),
        'text-size': 12,
        'text-anchor': 'top',
        'text-offset': [0, 1.1],
        'text-optional': true,
      },
      paint: { 'text-color': COLORS.incidentFaultStroke, ...halo, 'text-halo-width': 2 },
    },
  ];
}

/** The fault labels in another language (after a language switch). */
export function setFaultLabels(map: MapLibreMap, labels: FaultLabels): void {
  if (map.getLayer(INCIDENT_FAULT_LABEL_LAYER)) map.setLayoutProperty(INCIDENT_FAULT_LABEL_LAYER, 'text-field', faultLabelField(labels));
}

export const INCIDENT_LAYER_IDS: readonly string[] = incidentLayers().map((l) => l.id);

/** Adds the incidents source and its layers on top of the map (idempotent). */
export function addIncidents(map: MapLibreMap, origin: string, visible: boolean, faultLabels?: FaultLabels): void {
  if (!map.getSource(SOURCES.incidents)) map.addSource(SOURCES.incidents, incidentSource(origin, Date.now()));
  for (const layer of incidentLayers(faultLabels)) {
    if (!map.getLayer(layer.id)) map.addLayer(layer);
    map.setLayoutProperty(layer.id, 'visibility', visible ? 'visible' : 'none');
  }
}

/** Removes the incident layers and source, so no tile is asked for while logged out. */
export function removeIncidents(map: MapLibreMap): void {
  for (const id of INCIDENT_LAYER_IDS) if (map.getLayer(id)) map.removeLayer(id);
  if (map.getSource(SOURCES.incidents)) map.removeSource(SOURCES.incidents);
}

/** Reloads the incident tiles: a new cache-busting version in the tile URL. False when there is no source. */
export function refreshIncidentTiles(map: MapLibreMap, origin: string, version: number | string = Date.now()): boolean {
  const source = map.getSource<VectorTileSource>(SOURCES.incidents);
  if (!source) return false;
  source.setTiles([incidentTilesUrl(origin, version)]);
  return true;
}

/** Rings the incident `id` (null: none). */
export function selectIncident(map: MapLibreMap, id: number | null): void {
  if (!map.getLayer(INCIDENT_SELECTED_LAYER)) return;
  map.setFilter(INCIDENT_SELECTED_LAYER, ['==', ['to-number', ['get', 'id']], id ?? NO_SELECTION]);
}

/** The id of the topmost incident drawn within `tolerance` pixels of `point`, or null. */
export function incidentAt(map: MapLibreMap, point: { x: number; y: number }, tolerance = 4): number | null {
  const layer = map.getLayer(INCIDENT_POINT_LAYER);
  if (!layer || map.getLayoutProperty(INCIDENT_POINT_LAYER, 'visibility') === 'none') return null;
  const box: [PointLike, PointLike] = [
    [point.x - tolerance, point.y - tolerance],
    [point.x + tolerance, point.y + tolerance],
  ];
  for (const f of map.queryRenderedFeatures(box, { layers: [INCIDENT_POINT_LAYER] })) {
    const id = Number(f.properties?.id);
    if (Number.isFinite(id)) return id;
  }
  return null;
}

/** Incidents by display class among the tiles loaded now (the current view). */
export function loadedIncidentCounts(map: MapLibreMap): IncidentCounts | null {
  if (!map.getSource(SOURCES.incidents)) return null;
  return countIncidents(map.querySourceFeatures(SOURCES.incidents, { sourceLayer: INCIDENT_SOURCE_LAYER }));
}
