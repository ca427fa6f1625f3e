import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource, LayerSpecification, Map as MapLibreMap, VectorSourceSpecification, VectorTileSource } from 'maplibre-gl';
import { COLORS, halo, zoomInterp } from '../theme';
import { bandColorExpression, bandSortKey } from './bands';
import { distanceColorExpression } from './breaks';
import { levelColorExpression, levelFilter } from './facilities';
import { lifeCircleTilesUrl } from './lifeCircleApi';

/** The life-circle view's own sources and layers, added while the view is open and removed when it closes. */

export const LC_SOURCES = {
  buildings: 'lc-buildings',
  isochrone: 'lc-isochrone',
  isochroneOutline: 'lc-isochrone-outline',
  origin: 'lc-origin',
  gaps: 'lc-gaps',
  community: 'lc-community',
  facilities: 'lc-facilities',
} as const;
export type LcGeoJsonSource = Exclude<keyof typeof LC_SOURCES, 'buildings'>;

export const LC_TILE_LAYER = 'lifecircle';
export const HATCH_IMAGE = 'lc-hatch';
export const GAP_COLOR = '#b2182b';
export const COMMUNITY_LINE = '#1f2937';

/** Layers under the grid lines (buildings, bands, gaps, the community), then on top (origin, facilities). */
export const LC_BELOW = 'unit-grid-line';

export function buildingLayer(): LayerSpecification {
  return {
    id: 'lc-buildings',
    type: 'fill',
    source: LC_SOURCES.buildings,
    'source-layer': LC_TILE_LAYER,
    minzoom: 13,
    paint: { 'fill-color': distanceColorExpression(), 'fill-outline-color': 'rgba(40,40,40,0.35)', 'fill-opacity': 0.9 },
  };
}

export function lowerLayers(): LayerSpecification[] {
  const s = LC_SOURCES;
  return [
    {
      id: 'lc-isochrone-fill',
      type: 'fill',
      source: s.isochrone,
      layout: { 'fill-sort-key': bandSortKey() },
      paint: { 'fill-color': bandColorExpression(), 'fill-opacity': 0.2 },
    },
    {
      id: 'lc-isochrone-line',
      type: 'line',
      source: s.isochroneOutline,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': bandColorExpression(), 'line-width': zoomInterp([[12, 1.6], [17, 3]]), 'line-opacity': 0.95 },
    },
    { id: 'lc-gaps-fill', type: 'fill', source: s.gaps, paint: { 'fill-pattern': HATCH_IMAGE, 'fill-opacity': 0.95 } },
    { id: 'lc-gaps-line', type: 'line', source: s.gaps, paint: { 'line-color': GAP_COLOR, 'line-width': zoomInterp([[13, 1], [17, 2.2]]) } },
    {
      id: 'lc-community-line',
      type: 'line',
      source: s.community,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': COMMUNITY_LINE, 'line-width': zoomInterp([[11, 2], [16, 4]]), 'line-dasharray': [3, 1.5] },
    },
  ];
}

export function upperLayers(levels: readonly number[]): LayerSpecification[] {
  const s = LC_SOURCES;
  return [
    {
      id: 'lc-origin-point',
      type: 'circle',
      source: s.origin,
      paint: { 'circle-color': '#111827', 'circle-radius': 5, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 2 },
    },
    {
      id: 'lc-facilities-point',
      type: 'circle',
      source: s.facilities,
      filter: levelFilter(levels),
      paint: {
        'circle-color': levelColorExpression(),
        'circle-radius': zoomInterp([[11, 4], [14, 8], [18, 12]], 1),
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5,
      },
    },
    {
      id: 'lc-facilities-short',
      type: 'symbol',
      source: s.facilities,
      minzoom: 13.5,
      filter: levelFilter(levels),
      layout: { 'text-field': ['get', 'short'], 'text-size': zoomInterp([[13.5, 9], [18, 14]], 1), 'text-allow-overlap': true, 'text-ignore-placement': true },
      paint: { 'text-color': '#ffffff' },
    },
    {
      id: 'lc-facilities-name',
      type: 'symbol',
      source: s.facilities,
      minzoom: 16,
      filter: levelFilter(levels),
      layout: { 'text-field': ['get', 'name'], 'text-size': 11, 'text-anchor': 'left', 'text-offset': [1.2, 0], 'text-max-width': 8, 'text-optional': true },
      paint: { 'text-color': COLORS.incidentLabel, ...halo },
    },
  ];
}

export const LC_FACILITY_LAYERS = ['lc-facilities-point', 'lc-facilities-short', 'lc-facilities-name'];
export const LC_LAYER_IDS: readonly string[] = [buildingLayer().id, ...lowerLayers().map((l) => l.id), ...upperLayers([]).map((l) => l.id)];

export function buildingSource(origin: string, cls: string, version: number): VectorSourceSpecification {
  return { type: 'vector', tiles: [lifeCircleTilesUrl(origin, cls, version)], minzoom: 10, maxzoom: 16 };
}

/** A diagonal hatch of `color` (RGB) on transparency, `size` px square: the gap fill, made here (no sprite). */
export function hatchImage(size = 8, color: [number, number, number] = [178, 24, 43], alpha = 220): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // Two pixels wide, wrapping across the tile edge so the stripes join.
      const on = (x + y) % size < 2;
      const i = (y * size + x) * 4;
      data[i] = color[0];
      data[i + 1] = color[1];
      data[i + 2] = color[2];
      data[i + 3] = on ? alpha : 28;
    }
  }
  return { width: size, height: size, data };
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Adds the sources, the hatch and the layers (idempotent). */
export function addLifeCircleLayers(map: MapLibreMap, levels: readonly number[]): void {
  if (!map.hasImage(HATCH_IMAGE)) map.addImage(HATCH_IMAGE, hatchImage());
  for (const [key, id] of Object.entries(LC_SOURCES)) {
    if (key !== 'buildings' && !map.getSource(id)) map.addSource(id, { type: 'geojson', data: EMPTY });
  }
  const below = map.getLayer(LC_BELOW) ? LC_BELOW : undefined;
  for (const layer of lowerLayers()) if (!map.getLayer(layer.id)) map.addLayer(layer, below);
  for (const layer of upperLayers(levels)) if (!map.getLayer(layer.id)) map.addLayer(layer);
}

export function removeLifeCircleLayers(map: MapLibreMap): void {
  for (const id of LC_LAYER_IDS) if (map.getLayer(id)) map.removeLayer(id);
  for (const id of Object.values(LC_SOURCES)) if (map.getSource(id)) map.removeSource(id);
}

export function setLcData(map: MapLibreMap, source: LcGeoJsonSource, data: FeatureCollection | null): void {
  map.getSource<GeoJSONSource>(LC_SOURCES[source])?.setData(data ?? EMPTY);
}

/** The building colouring for `cls` (null: none), its tiles asked for again when `version` changes. */
export function setBuildingClass(map: MapLibreMap, origin: string, cls: string | null, version: number): void {
  const source = map.getSource<VectorTileSource>(LC_SOURCES.buildings);
  if (!cls) {
    if (map.getLayer('lc-buildings')) map.removeLayer('lc-buildings');
    if (source) map.removeSource(LC_SOURCES.buildings);
    return;
  }
  if (source) source.setTiles([lifeCircleTilesUrl(origin, cls, version)]);
  else map.addSource(LC_SOURCES.buildings, buildingSource(origin, cls, version));
  if (!map.getLayer('lc-buildings')) {
    const below = map.getLayer('lc-isochrone-fill') ? 'lc-isochrone-fill' : map.getLayer(LC_BELOW) ? LC_BELOW : undefined;
    map.addLayer(buildingLayer(), below);
  }
}

export function setFacilityLevels(map: MapLibreMap, levels: readonly number[]): void {
  for (const id of LC_FACILITY_LAYERS) if (map.getLayer(id)) map.setFilter(id, levelFilter(levels));
}
