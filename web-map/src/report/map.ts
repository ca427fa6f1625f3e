import { Map as MapLibreMap, Marker, NavigationControl, setWorkerUrl, type LayerSpecification, type StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { basemapLayers } from '../layers/basemap';
import { COLORS, SOURCES } from '../theme';
import type { NearbyLamp } from './api';

setWorkerUrl(workerUrl);

/** The demo county's middle; the map starts there until the resident is located. */
const START: [number, number] = [115.415, 25.955];
const CJK = "'WenQuanYi Zen Hei','Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif";

/** The anonymous basemap: roads, buildings (the desktop map's layers) and grid outlines from /tiles/grids. */
export function reportStyle(origin: string): StyleSpecification {
  const tiles = (name: string, minzoom: number) => ({
    type: 'vector' as const,
    tiles: [`${origin}/tiles/${name}/{z}/{x}/{y}.pbf`],
    minzoom,
    maxzoom: 16,
  });
  const base = basemapLayers()
    .map((p) => p.layer)
    .filter((l) => 'source' in l && (l.source === SOURCES.roads || l.source === SOURCES.buildings));
  const labels = base.filter((l) => l.type === 'symbol');
  const grids: LayerSpecification[] = [
    {
      id: 'unit-grid-line',
      type: 'line',
      source: 'grids',
      'source-layer': 'grids',
      minzoom: 14,
      filter: ['==', ['get', 'level'], 'unit'],
      paint: { 'line-color': COLORS.unitGridLine, 'line-width': 0.8, 'line-opacity': 0.5, 'line-dasharray': [3, 2] },
    },
    {
      id: 'large-grid-line',
      type: 'line',
      source: 'grids',
      'source-layer': 'grids',
      filter: ['==', ['get', 'level'], 'large'],
      paint: { 'line-color': COLORS.largeGridLine, 'line-width': 1.6, 'line-opacity': 0.6 },
    },
  ];
  return {
    version: 8,
    name: 'GridGov report',
    sources: { [SOURCES.roads]: tiles('roads', 10), [SOURCES.buildings]: tiles('buildings', 13), grids: tiles('grids', 8) },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': COLORS.background } },
      ...base.filter((l) => l.type !== 'symbol'),
      ...grids,
      ...labels,
    ],
  };
}

export interface ReportMap {
  readonly map: MapLibreMap;
  /** Puts the pin at [lon, lat] (and centres there when `fly`). */
  setPin(lon: number, lat: number, fly?: boolean): void;
  /** Draws the lamps as tappable markers, `chosen` highlighted; [] removes them. */
  showLamps(lamps: NearbyLamp[], chosen: string | null, onTap: (lamp: NearbyLamp) => void): void;
  /** Shows all of `points` as close up as the map allows (up to z19.5). */
  frame(points: Array<[number, number]>): void;
  resize(): void;
}

/** The report map: tap to set the pin, drag it to fine-tune; `onPin` hears both. */
export function createReportMap(container: HTMLElement, onPin: (lon: number, lat: number) => void, ariaLabel: string): ReportMap {
  const map = new MapLibreMap({
    container,
    style: reportStyle(window.location.origin),
    center: START,
    zoom: 14,
    minZoom: 9,
    maxZoom: 20,
    maxPitch: 0,
    dragRotate: false,
    pitchWithRotate: false,
    attributionControl: false,
    localIdeographFontFamily: CJK,
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.getCanvas().setAttribute('aria-label', ariaLabel);
  map.on('error', (event) => console.warn('[report map]', event.error?.message ?? event));

  const pinEl = document.createElement('div');
  pinEl.className = 'report-pin';
  pinEl.dataset.testid = 'pin';
  const pin = new Marker({ element: pinEl, anchor: 'bottom', draggable: true });
  let pinShown = false;
  pin.on('dragend', () => {
    const at = pin.getLngLat();
    onPin(at.lng, at.lat);
  });
  map.on('click', (event) => onPin(event.lngLat.lng, event.lngLat.lat));

  let lampMarkers: Marker[] = [];

  return {
    map,
    setPin(lon, lat, fly = false) {
      pin.setLngLat([lon, lat]);
      if (!pinShown) {
        pin.addTo(map);
        pinShown = true;
      }
      if (fly) map.jumpTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 17) });
    },
    showLamps(lamps, chosen, onTap) {
      for (const m of lampMarkers) m.remove();
      lampMarkers = lamps.map((lamp) => {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'lamp-marker';
        button.dataset.code = lamp.code;
        if (lamp.status) button.dataset.status = lamp.status;
        if (lamp.code === chosen) button.classList.add('chosen');
        button.setAttribute('aria-label', lamp.code);
        button.append(document.createElement('span'));
        button.addEventListener('click', (event) => {
          event.stopPropagation();
          onTap(lamp);
        });
        return new Marker({ element: button }).setLngLat([lamp.lon, lamp.lat]).addTo(map);
      });
    },
    frame(points) {
      if (!points.length) return;
      const lons = points.map((p) => p[0]);
      const lats = points.map((p) => p[1]);
      map.fitBounds([[Math.min(...lons), Math.min(...lats)], [Math.max(...lons), Math.max(...lats)]], { padding: 48, maxZoom: 19.5, animate: false });
    },
    resize: () => map.resize(),
  };
}
