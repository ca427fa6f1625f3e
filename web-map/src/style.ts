import type { GeoJSONSourceSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';
import { basemapLayers } from './layers/basemap';
import { CREW_LAYER_IDS, CREW_LAYERS_BEFORE } from './layers/crews';
import { gridLayers } from './layers/gridLayers';
import { INCIDENT_LAYER_IDS } from './layers/incidents';
import { STATION_LAYERS_BEFORE, stationLayers } from './layers/stations';
import { SOURCES } from './theme';

export { basemapLayers, basemapSources, type PositionedLayer } from './layers/basemap';
export { gridLayers } from './layers/gridLayers';
export { incidentLayers, incidentSource } from './layers/incidents';
export { crewLayers, crewSource } from './layers/crews';
export { COLORS, SOURCES, STREETLIGHT_STATUSES } from './theme';
export { streetlightLayers, selectionLayers } from './layers/streetlights';

/** Legend groups → the layers each checkbox shows or hides. */
export const LAYER_GROUPS = {
  largeGrid: ['large-grid-fill', 'large-grid-line', 'large-grid-label'],
  unitGrid: ['unit-grid-line', 'unit-grid-label'],
  posts: ['post-radius', 'post-radius-line', 'post-point', 'post-label'],
  streetlights: ['circuit-faults', 'streetlights', 'streetlight-faults', 'streetlight-cabinets'],
  roads: ['roads-casing', 'roads-alley', 'roads-secondary', 'roads-main', 'roads-trunk', 'roads-label'],
  buildings: ['buildings'],
  incidents: ['incidents-selected', 'incidents-point', 'incidents-label', 'incidents-fault-label'],
  crews: ['crews-point', 'crews-label'],
  stations: ['stations-point', 'stations-label'],
} as const;

export type LayerGroup = keyof typeof LAYER_GROUPS;

export const DEFAULT_VISIBILITY: Record<LayerGroup, boolean> = {
  largeGrid: true,
  unitGrid: true,
  posts: true,
  // On: faults are drawn at every zoom, the working lamps only from z13 (small), so the town view stays readable.
  streetlights: true,
  roads: true,
  buildings: true,
  incidents: true,
  crews: true,
  stations: true,
};

/** The style the map starts with: paper background, the (empty) grid/post GeoJSON sources and their layers. */
export function baseStyle(): StyleSpecification {
  const geojson = (): GeoJSONSourceSpecification => ({ type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  // No `glyphs`: MapLibre draws every label locally with TinySDF, so Chinese works offline.
  return {
    version: 8,
    name: 'GridGov',
    sources: {
      [SOURCES.largeGrids]: geojson(),
      [SOURCES.largeGridLabels]: geojson(),
      [SOURCES.unitGrids]: geojson(),
      [SOURCES.unitGridLabels]: geojson(),
      [SOURCES.posts]: geojson(),
      [SOURCES.postRadius]: geojson(),
      [SOURCES.stations]: geojson(),
    },
    layers: baseLayers(),
  };
}

/** Every layer id the app defines, in draw order once the basemap, the crews and the incidents (on top) are added. */
/** The grid layers with the stations' put in under the large grids' labels. */
function baseLayers(): LayerSpecification[] {
  const layers = gridLayers();
  layers.splice(layers.findIndex((l) => l.id === STATION_LAYERS_BEFORE), 0, ...stationLayers());
  return layers;
}

export function allLayerIds(): string[] {
  const ids = baseLayers().map((l) => l.id);
  for (const { layer, before } of basemapLayers()) ids.splice(ids.indexOf(before), 0, layer.id);
  ids.splice(ids.indexOf(CREW_LAYERS_BEFORE), 0, ...CREW_LAYER_IDS);
  return [...ids, ...INCIDENT_LAYER_IDS];
}
