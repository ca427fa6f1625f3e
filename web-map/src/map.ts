import { Map as MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { authorizeTileRequest } from './auth';
import { baseStyle, basemapLayers, basemapSources, LAYER_GROUPS, type LayerGroup } from './style';

/** The demo county: about 115.38–115.45 E, 25.93–25.98 N. */
export const START_CENTER: [number, number] = [115.415, 25.955];
export const START_ZOOM = 13.3;
export const CJK_FONT_FAMILY = "'WenQuanYi Zen Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif";

// Bundled apps must say where the worker is: MapLibre would look next to its own module otherwise.
setWorkerUrl(workerUrl);

export interface MapHooks {
  getToken: () => string | null;
  /** A tile request answered 401. */
  onUnauthorized: () => void;
}

/** Maps whose style has loaded once; from then on sources and layers may be added and removed. */
const styleReady = new WeakSet<MapLibreMap>();

export function createMap(container: HTMLElement, hooks: MapHooks): MapLibreMap {
  const origin = window.location.origin;
  const map = new MapLibreMap({
    container,
    style: baseStyle(),
    center: START_CENTER,
    zoom: START_ZOOM,
    minZoom: 9,
    maxZoom: 19,
    maxPitch: 0,
    dragRotate: false,
    pitchWithRotate: false,
    attributionControl: false,
    localIdeographFontFamily: CJK_FONT_FAMILY,
    // Keep the drawing buffer so headless screenshots and readPixels see the map.
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
    transformRequest: (url) => authorizeTileRequest(url, origin, hooks.getToken()),
  });
  map.once('load', () => styleReady.add(map));
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');

  map.on('error', (event) => {
    const status = (event.error as { status?: number } | undefined)?.status;
    if (status === 401) hooks.onUnauthorized();
    else console.warn('[map]', event.error?.message ?? event);
  });
  return map;
}

/**
 * True once the style has loaded. Not `map.isStyleLoaded()`: that is also false whenever a tile is loading or a
 * layer has just changed, and 'load' does not fire again then.
 */
export function isStyleReady(map: MapLibreMap): boolean {
  return styleReady.has(map) || !!map.isStyleLoaded();
}

export async function whenStyleLoaded(map: MapLibreMap): Promise<void> {
  if (!isStyleReady(map)) await map.once('load');
}

/** Adds the authenticated vector tile sources and their layers (idempotent). */
export function addBasemap(map: MapLibreMap, visible: Record<LayerGroup, boolean>): void {
  for (const [id, source] of Object.entries(basemapSources(window.location.origin))) {
    if (!map.getSource(id)) map.addSource(id, source);
  }
  for (const { layer, before } of basemapLayers()) {
    if (map.getLayer(layer.id)) continue;
    map.addLayer(layer, map.getLayer(before) ? before : undefined);
  }
  applyVisibility(map, visible);
}

/** Removes the vector tile layers and sources, so no tile is asked for while logged out. */
export function removeBasemap(map: MapLibreMap): void {
  for (const { layer } of basemapLayers()) {
    if (map.getLayer(layer.id)) map.removeLayer(layer.id);
  }
  for (const id of Object.keys(basemapSources(window.location.origin))) {
    if (map.getSource(id)) map.removeSource(id);
  }
}

export function applyVisibility(map: MapLibreMap, visible: Record<LayerGroup, boolean>): void {
  for (const group of Object.keys(LAYER_GROUPS) as LayerGroup[]) {
    for (const id of LAYER_GROUPS[group]) {
      if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible[group] ? 'visible' : 'none');
    }
  }
}
