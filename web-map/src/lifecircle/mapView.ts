import type { FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import { Popup, type Map as MapLibreMap, type MapMouseEvent, type PointLike } from 'maplibre-gl';
import type { I18n } from '../i18n';
import { geometryBounds, padBounds } from '../planner/problems';
import { el } from '../ui/dom';
import { button } from '../admin/widgets';
import type { LcMapSink } from './controller';
import { classIndex, className } from './coverage';
import { bandOutlines } from './bands';
import { facilityFeatures } from './facilities';
import { addLifeCircleLayers, removeLifeCircleLayers, setBuildingClass, setFacilityLevels, setLcData } from './layers';
import type { LcTool } from './state';
import type { BandProperties, FacilityClass, FacilityProperties, GapCollection, IsochroneCollection } from './types';

export interface LcClick {
  lon: number;
  lat: number;
  /** The facility drawn under the pointer, if any. */
  facility: (FacilityProperties & { lon: number; lat: number }) | null;
}

export interface LcMapOptions {
  map: MapLibreMap;
  i18n: I18n;
  origin: string;
  onClick(click: LcClick): void;
  /** Whether the facility popup offers 删除 (planners and admins). */
  canDelete(): boolean;
  /** Deletes the facility; resolves null when done, else the text to show in the popup. */
  onDelete(id: number | string, name: string): Promise<string | null>;
}

export interface LcMap extends LcMapSink {
  attach(levels: readonly number[]): void;
  detach(): void;
  readonly attached: boolean;
  showFacility(click: LcClick): void;
  closePopup(): void;
  /** The bands last handed to the isochrone source (properties only), for tests. */
  bandsData(): BandProperties[] | null;
}

/** Room the panel (right) and the legend (left) take; on a phone the panel is a sheet over the lower half. */
function fitPadding(map: MapLibreMap): { top: number; bottom: number; left: number; right: number } {
  const box = map.getContainer();
  const w = box.clientWidth;
  const h = box.clientHeight;
  if (w < 700) return { top: 60, bottom: Math.round(h * 0.5) + 10, left: 20, right: 20 };
  return { top: 70, bottom: 40, left: 260, right: Math.min(520, Math.round(w * 0.45)) };
}

/** True when `bounds` lies inside the part of the map the panels leave free. */
function inView(map: MapLibreMap, bounds: [[number, number], [number, number]], pad: ReturnType<typeof fitPadding>): boolean {
  const box = map.getContainer();
  const [[w, s], [e, n]] = bounds;
  return [map.project([w, n]), map.project([e, s])].every((p) => p.x >= pad.left && p.x <= box.clientWidth - pad.right && p.y >= pad.top && p.y <= box.clientHeight - pad.bottom);
}

export function createLifeCircleMap(options: LcMapOptions): LcMap {
  const { map, i18n } = options;
  let attached = false;
  let bands: IsochroneCollection | null = null;
  let facilities: { fc: Parameters<LcMapSink['facilities']>[0]; classes: readonly FacilityClass[] } = { fc: null, classes: [] };
  let popupFacility: LcClick['facility'] = null;
  let confirming = false;
  let popupError: string | null = null;
  let tool: LcTool = 'isochrone';
  const popup = new Popup({ closeButton: true, closeOnClick: false, maxWidth: '300px', className: 'gridgov-popup lc-popup' });
  popup.on('close', () => {
    popupFacility = null;
    confirming = false;
    popupError = null;
  });

  function facilityAt(point: { x: number; y: number }): LcClick['facility'] {
    if (!map.getLayer('lc-facilities-point')) return null;
    const box: [PointLike, PointLike] = [
      [point.x - 5, point.y - 5],
      [point.x + 5, point.y + 5],
    ];
    const f = map.queryRenderedFeatures(box, { layers: ['lc-facilities-point'] })[0];
    if (!f || f.geometry.type !== 'Point') return null;
    const p = f.properties as FacilityProperties;
    const [lon, lat] = (f.geometry as Point).coordinates as [number, number];
    return { id: p.id, class: p.class, level: Number(p.level), name: String(p.name ?? ''), lon, lat };
  }

  function renderPopup(): void {
    const f = popupFacility;
    if (!f) return;
    const classes = classIndex(facilities.classes);
    const row = (field: string, label: string, value: string): HTMLElement[] => [el('dt', { 'data-field': field }, label), el('dd', { 'data-field': field }, value || '—')];
    const actions = options.canDelete()
      ? el(
          'div',
          { class: 'lc-popup-actions' },
          confirming
            ? el(
                'span',
                { class: 'lc-confirm' },
                el('span', {}, i18n.t('lc.facilities.popup.confirm')),
                button(i18n.t('lc.facilities.popup.delete'), { class: 'btn-danger', 'data-action': 'confirm-delete' }, () => void remove(f)),
                button(i18n.t('lc.facilities.popup.cancel'), { class: 'btn-link', 'data-action': 'cancel-delete' }, () => {
                  confirming = false;
                  renderPopup();
                }),
              )
            : button(i18n.t('lc.facilities.popup.delete'), { class: 'btn-link lc-delete', 'data-action': 'delete-facility' }, () => {
                confirming = true;
                popupError = null;
                renderPopup();
              }),
        )
      : null;
    popup.setDOMContent(
      el(
        'div',
        { class: 'locate-popup lc-facility-popup', 'data-state': 'ok', 'data-id': String(f.id), 'data-class': f.class },
        el('p', { class: 'lc-facility-name' }, f.name || className(f.class, classes, i18n.current)),
        el(
          'dl',
          { class: 'locate-list' },
          ...row('class', i18n.t('lc.facilities.popup.class'), className(f.class, classes, i18n.current)),
          ...row('level', i18n.t('lc.facilities.popup.level'), i18n.t('lc.coverage.levelValue', { minutes: f.level })),
        ),
        popupError ? el('p', { class: 'locate-error lc-popup-error', role: 'alert' }, popupError) : null,
        actions,
      ),
    );
  }

  async function remove(f: NonNullable<LcClick['facility']>): Promise<void> {
    const error = await options.onDelete(f.id, f.name);
    if (popupFacility?.id !== f.id) return;
    if (error === null) popup.remove();
    else {
      popupError = error;
      confirming = false;
      renderPopup();
    }
  }

  map.on('click', (event: MapMouseEvent) => {
    if (!attached) return;
    options.onClick({ lon: event.lngLat.lng, lat: event.lngLat.lat, facility: tool === 'place' ? null : facilityAt(event.point) });
  });
  map.on('mousemove', (event) => {
    if (!attached) return;
    map.getCanvas().style.cursor = tool === 'place' ? 'crosshair' : facilityAt(event.point) ? 'pointer' : 'crosshair';
  });
  i18n.onChange(() => {
    if (popup.isOpen()) renderPopup();
  });

  /** Pans and zooms out (never in) until the whole of `bounds` is seen. */
  function showWhole(bounds: ReturnType<typeof geometryBounds>): void {
    if (!bounds) return;
    const pad = fitPadding(map);
    if (inView(map, bounds, pad)) return;
    map.fitBounds(bounds, { padding: pad, maxZoom: map.getZoom(), duration: 400 });
  }

  const view: LcMap = {
    get attached() {
      return attached;
    },
    attach(levels) {
      if (attached) return;
      attached = true;
      addLifeCircleLayers(map, levels);
    },
    detach() {
      if (!attached) return;
      attached = false;
      popup.remove();
      bands = null;
      facilities = { fc: null, classes: [] };
      tool = 'isochrone';
      removeLifeCircleLayers(map);
      map.getCanvas().style.cursor = '';
    },
    bands(fc, at) {
      if (!attached) return;
      bands = fc;
      setLcData(map, 'isochrone', fc);
      setLcData(map, 'isochroneOutline', bandOutlines(fc));
      if (fc?.features.length) showWhole(geometryBounds({ type: 'GeometryCollection', geometries: fc.features.map((f) => f.geometry) }));
      setLcData(map, 'origin', at ? { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: at }, properties: {} }] } : null);
    },
    facilities(fc, classes) {
      if (!attached) return;
      facilities = { fc, classes };
      setLcData(map, 'facilities', facilityFeatures(fc, classIndex(classes), i18n.current) as FeatureCollection);
      if (popup.isOpen()) renderPopup();
    },
    levels(levels) {
      if (attached) setFacilityLevels(map, levels);
    },
    gaps(fc: GapCollection | null) {
      if (attached) setLcData(map, 'gaps', fc);
    },
    community(geometry: Polygon | MultiPolygon | null, fit, fallback) {
      if (!attached) return;
      setLcData(map, 'community', geometry ? { type: 'FeatureCollection', features: [{ type: 'Feature', geometry, properties: {} }] } : null);
      if (!fit) return;
      const target = geometry ?? (fallback?.features.length ? { type: 'GeometryCollection' as const, geometries: fallback.features.map((f) => f.geometry) } : null);
      const bounds = geometryBounds(target);
      if (bounds) map.fitBounds(padBounds(bounds, 0.002, 1.1), { padding: fitPadding(map), maxZoom: 17, duration: 500 });
    },
    buildings(cls, version) {
      if (attached) setBuildingClass(map, options.origin, cls, version);
    },
    tool(next) {
      tool = next;
      if (next === 'place') popup.remove();
      if (attached) map.getCanvas().style.cursor = 'crosshair';
    },
    showFacility(click) {
      if (!click.facility) return;
      popupFacility = click.facility;
      confirming = false;
      popupError = null;
      renderPopup();
      popup.setLngLat([click.facility.lon, click.facility.lat]);
      if (!popup.isOpen()) popup.addTo(map);
    },
    closePopup: () => void popup.remove(),
    bandsData: () => bands?.features.map((f) => ({ minutes: Number(f.properties.minutes), metres: Number(f.properties.metres) })) ?? null,
  };
  return view;
}
