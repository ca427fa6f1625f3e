import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource, LayerSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { COLORS, halo, zoomInterp } from '../theme';

/** The planner's own sources and layers: a plan's grids, its problems, the compare overlay and the tools' picks. */

export const PLAN_SOURCES = {
  large: 'plan-large',
  largeLabels: 'plan-large-labels',
  unit: 'plan-unit',
  unitLabels: 'plan-unit-labels',
  compare: 'plan-compare',
  picks: 'plan-picks',
  problems: 'plan-problems',
  highlight: 'plan-highlight',
} as const;
export type PlanSource = keyof typeof PLAN_SOURCES;

export const PLAN_COLORS = {
  problem: '#e01e1e',
  highlight: '#7a0010',
  added: '#1f9d55',
  removed: '#b0279c',
  reshaped: '#f08c00',
  pickLine: '#111827',
} as const;

const byChange = (added: string | number, removed: string | number, reshaped: string | number) =>
  ['match', ['get', 'change'], 'added', added, 'removed', removed, reshaped] as unknown as string;

const polygons = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false] as unknown as boolean;
const points = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false] as unknown as boolean;

export function plannerLayers(): LayerSpecification[] {
  const s = PLAN_SOURCES;
  return [
    {
      id: 'plan-unit-fill',
      type: 'fill',
      source: s.unit,
      paint: { 'fill-color': ['coalesce', ['get', 'color'], '#888888'], 'fill-opacity': zoomInterp([[11, 0.42], [15, 0.3], [18, 0.16]], 1) },
    },
    {
      id: 'plan-compare-fill',
      type: 'fill',
      source: s.compare,
      filter: polygons,
      paint: { 'fill-color': byChange(PLAN_COLORS.added, PLAN_COLORS.removed, PLAN_COLORS.reshaped), 'fill-opacity': byChange(0.45, 0.3, 0.45) as unknown as number },
    },
    {
      id: 'plan-unit-line',
      type: 'line',
      source: s.unit,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': COLORS.unitGridLine, 'line-width': zoomInterp([[11, 0.3], [14, 0.7], [18, 1.4]]), 'line-opacity': 0.8 },
    },
    {
      id: 'plan-large-line',
      type: 'line',
      source: s.large,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': COLORS.largeGridLine, 'line-width': zoomInterp([[10, 1.8], [14, 3], [18, 5]]), 'line-opacity': 0.9 },
    },
    {
      id: 'plan-compare-line',
      type: 'line',
      source: s.compare,
      paint: {
        'line-color': byChange(PLAN_COLORS.added, PLAN_COLORS.removed, PLAN_COLORS.reshaped),
        'line-width': 2.2,
        'line-dasharray': ['match', ['get', 'change'], 'removed', ['literal', [2, 1.5]], ['literal', [1, 0]]] as unknown as number[],
      },
    },
    {
      id: 'plan-picks-fill',
      type: 'fill',
      source: s.picks,
      paint: { 'fill-color': ['coalesce', ['get', 'color'], '#ffd43b'], 'fill-opacity': 0.7 },
    },
    {
      id: 'plan-picks-line',
      type: 'line',
      source: s.picks,
      paint: { 'line-color': PLAN_COLORS.pickLine, 'line-width': 2.5 },
    },
    {
      id: 'plan-problems-fill',
      type: 'fill',
      source: s.problems,
      filter: polygons,
      paint: { 'fill-color': PLAN_COLORS.problem, 'fill-opacity': 0.45 },
    },
    {
      id: 'plan-problems-line',
      type: 'line',
      source: s.problems,
      paint: { 'line-color': PLAN_COLORS.problem, 'line-width': zoomInterp([[12, 2], [17, 3.5]]) },
    },
    {
      id: 'plan-problems-point',
      type: 'circle',
      source: s.problems,
      filter: points,
      paint: { 'circle-color': PLAN_COLORS.problem, 'circle-radius': 6, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
    },
    {
      id: 'plan-highlight-line',
      type: 'line',
      source: s.highlight,
      paint: { 'line-color': PLAN_COLORS.highlight, 'line-width': 5, 'line-opacity': 0.9 },
    },
    {
      id: 'plan-highlight-point',
      type: 'circle',
      source: s.highlight,
      filter: points,
      paint: { 'circle-color': 'rgba(0,0,0,0)', 'circle-radius': 14, 'circle-stroke-color': PLAN_COLORS.highlight, 'circle-stroke-width': 3 },
    },
    {
      id: 'plan-unit-label',
      type: 'symbol',
      source: s.unitLabels,
      minzoom: 15,
      layout: { 'text-field': ['get', 'short'], 'text-size': 11 },
      paint: { 'text-color': COLORS.unitGridLabel, ...halo },
    },
    {
      id: 'plan-large-label',
      type: 'symbol',
      source: s.largeLabels,
      layout: {
        'text-field': ['get', 'name'],
        'text-size': zoomInterp([[11, 12], [15, 16]], 1),
        'text-max-width': 8,
        'text-padding': 4,
      },
      paint: { 'text-color': COLORS.largeGridLabel, ...halo, 'text-halo-width': 2 },
    },
  ];
}

export const PLAN_LAYER_IDS = plannerLayers().map((l) => l.id);

/** The layers of the published grids, hidden while a plan is drawn in their place. */
export const BASE_GRID_LAYER_IDS = ['large-grid-fill', 'large-grid-line', 'large-grid-label', 'unit-grid-line', 'unit-grid-label'];

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Adds the planner's sources and layers (idempotent), under the incidents when they are there. */
export function addPlannerLayers(map: MapLibreMap): void {
  for (const id of Object.values(PLAN_SOURCES)) {
    if (!map.getSource(id)) map.addSource(id, { type: 'geojson', data: EMPTY });
  }
  const before = map.getLayer('incidents-selected') ? 'incidents-selected' : undefined;
  for (const layer of plannerLayers()) {
    if (!map.getLayer(layer.id)) map.addLayer(layer, before);
  }
  hideBaseGrids(map);
}

/** Hides the published grids' layers (again, after the legend or the basemap set every group's visibility). */
export function hideBaseGrids(map: MapLibreMap): void {
  for (const id of BASE_GRID_LAYER_IDS) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', 'none');
}

/** Removes them again; the caller restores the published grids' visibility (the legend knows it). */
export function removePlannerLayers(map: MapLibreMap): void {
  for (const id of PLAN_LAYER_IDS) if (map.getLayer(id)) map.removeLayer(id);
  for (const id of Object.values(PLAN_SOURCES)) if (map.getSource(id)) map.removeSource(id);
}

export function setPlanData(map: MapLibreMap, source: PlanSource, data: FeatureCollection | null): void {
  map.getSource<GeoJSONSource>(PLAN_SOURCES[source])?.setData(data ?? EMPTY);
}
