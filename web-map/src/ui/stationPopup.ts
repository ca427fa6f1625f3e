import { Popup, type GeoJSONSource, type Map as MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import type { I18n } from '../i18n';
import { STATION_POINT_LAYER } from '../layers/stations';
import { SOURCES } from '../theme';
import { el } from './dom';

export interface StationProps {
  code: string;
  name: string;
  community: string;
  communityName?: string | null;
  address: string;
  hours: string;
  phone?: string | null;
  staff: string[] | string;
}

/** The station under a click, or null. */
export function stationAt(map: MapLibreMap, point: { x: number; y: number }): StationProps | null {
  if (!map.getLayer(STATION_POINT_LAYER)) return null;
  const box: [[number, number], [number, number]] = [[point.x - 5, point.y - 5], [point.x + 5, point.y + 5]];
  const f = map.queryRenderedFeatures(box, { layers: [STATION_POINT_LAYER] })[0];
  return f ? (f.properties as StationProps) : null;
}

/** A station's popup content: all text nodes (the station's words are set as text). */
export function stationContent(p: StationProps, i18n: I18n): HTMLElement {
  // Arrays come back from the rendered features as JSON text.
  const staff = Array.isArray(p.staff) ? p.staff : (() => { try { return JSON.parse(p.staff) as string[]; } catch { return []; } })();
  const row = (key: Parameters<I18n['t']>[0], value: string, field: string): HTMLElement[] =>
    [el('dt', {}, i18n.t(key)), el('dd', { 'data-field': field }, value)];
  return el('div', { class: 'station-popup', 'data-code': p.code },
    el('strong', { class: 'station-title' }, p.name),
    el('dl', {},
      ...row('station.address', p.address, 'address'),
      ...row('station.hours', p.hours, 'hours'),
      ...(p.phone ? row('station.phone', p.phone, 'phone') : []),
      ...(staff.length ? row('station.staff', staff.join('、'), 'staff') : [])));
}

/** Loads GET /api/stations into the stations source (anonymous; no token needed). */
export async function loadStations(map: MapLibreMap): Promise<number> {
  const response = await fetch('/api/stations', { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET /api/stations: HTTP ${response.status}`);
  const data = (await response.json()) as GeoJSON.FeatureCollection;
  (map.getSource(SOURCES.stations) as GeoJSONSource | undefined)?.setData(data);
  return data.features.length;
}

/** Opens a station's popup on a click on its point; returns whether the click was one. */
export function createStationPopup(map: MapLibreMap, i18n: I18n): { handle(event: MapMouseEvent): boolean; close(): void } {
  const popup = new Popup({ closeButton: true, closeOnClick: false, maxWidth: '320px', className: 'gridgov-popup' });
  let shown: StationProps | null = null;
  popup.on('close', () => {
    shown = null;
  });
  i18n.onChange(() => {
    if (shown && popup.isOpen()) popup.setDOMContent(stationContent(shown, i18n));
  });
  return {
    handle(event) {
      const p = stationAt(map, event.point);
      if (!p) return false;
      shown = p;
      popup.setLngLat(event.lngLat).setDOMContent(stationContent(p, i18n));
      if (!popup.isOpen()) popup.addTo(map);
      return true;
    },
    close: () => popup.remove(),
  };
}
