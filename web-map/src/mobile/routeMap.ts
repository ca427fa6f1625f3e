/**
 * The small route map: loaded with a dynamic import only when the route view opens, so MapLibre (~250 kB gzipped)
 * is not part of the app's first load.
 */
import { LngLatBounds, Map as MapLibreMap, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { authorizeTileRequest } from '../auth';
import { basemapLayers, basemapSources } from '../layers/basemap';
import { COLORS, SOURCES } from '../theme';
import type { RouteFeature } from './api';

setWorkerUrl(workerUrl);

const CJK_FONT_FAMILY = "'WenQuanYi Zen Hei','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif";

export interface RouteMapInput {
  route: RouteFeature;
  incident: { lon: number; lat: number };
  here?: { lon: number; lat: number } | null;
}

export interface RouteMap {
  show(input: RouteMapInput): Promise<void>;
  destroy(): void;
}

/** Roads and buildings only (the street lights' layers need their own source and are not wanted here). */
function style(origin: string): StyleSpecification {
  const all = basemapSources(origin);
  const layers = basemapLayers()
    .map((p) => p.layer)
    .filter((l) => l.id.startsWith('roads-') || l.id === 'buildings')
    .filter((l) => l.type !== 'symbol');
  return {
    version: 8,
    sources: {
      [SOURCES.roads]: all[SOURCES.roads]!,
      [SOURCES.buildings]: all[SOURCES.buildings]!,
      route: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
      points: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': COLORS.background } },
      ...layers,
      {
        id: 'route-casing', type: 'line', source: 'route',
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': '#ffffff', 'line-width': 9 },
      },
      {
        id: 'route-line', type: 'line', source: 'route',
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': '#1d4ed8', 'line-width': 5, 'line-dasharray': ['case', ['get', 'byRoad'], ['literal', [1, 0]], ['literal', [2, 1.5]]] as never },
      },
      {
        id: 'points', type: 'circle', source: 'points',
        paint: {
          'circle-radius': ['match', ['get', 'kind'], 'case', 10, 8],
          'circle-color': ['match', ['get', 'kind'], 'case', COLORS.incidentOverdue, '#2563eb'],
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 3,
        },
      },
    ],
  };
}

export function createRouteMap(container: HTMLElement, getToken: () => string | null): RouteMap {
  const origin = window.location.origin;
  const map = new MapLibreMap({
    container,
    style: style(origin),
    center: [115.415, 25.955],
    zoom: 14,
    maxPitch: 0,
    dragRotate: false,
    attributionControl: false,
    localIdeographFontFamily: CJK_FONT_FAMILY,
    canvasContextAttributes: { preserveDrawingBuffer: true },
    transformRequest: (url) => authorizeTileRequest(url, origin, getToken()),
  });
  map.touchZoomRotate.disableRotation();
  const loaded = new Promise<void>((res) => map.once('load', () => res()));
  return {
    async show({ route, incident, here }) {
      await loaded;
      const line = route.geometry?.coordinates ?? [];
      (map.getSource('route') as import('maplibre-gl').GeoJSONSource).setData({
        type: 'FeatureCollection',
        features: line.length >= 2 ? [{ type: 'Feature', properties: { byRoad: !!route.properties?.byRoad }, geometry: route.geometry }] : [],
      });
      const points: GeoJSON.Feature[] = [
        { type: 'Feature', properties: { kind: 'case' }, geometry: { type: 'Point', coordinates: [incident.lon, incident.lat] } },
      ];
      const start = here ?? (line[0] ? { lon: line[0][0], lat: line[0][1] } : null);
      if (start) points.push({ type: 'Feature', properties: { kind: 'me' }, geometry: { type: 'Point', coordinates: [start.lon, start.lat] } });
      (map.getSource('points') as import('maplibre-gl').GeoJSONSource).setData({ type: 'FeatureCollection', features: points });
      const bounds = new LngLatBounds();
      for (const c of line) bounds.extend(c);
      for (const p of points) bounds.extend((p.geometry as GeoJSON.Point).coordinates as [number, number]);
      map.resize();
      map.fitBounds(bounds, { padding: 48, maxZoom: 17, duration: 0 });
      await new Promise<void>((res) => map.once('idle', () => res()));
    },
    destroy() {
      map.remove();
    },
  };
}
