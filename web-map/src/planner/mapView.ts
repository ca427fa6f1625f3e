import type { Feature, FeatureCollection, Position } from 'geojson';
import { Popup, type Map as MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import { pointInPolygon } from '../geo';
import type { I18n } from '../i18n';
import { el } from '../ui/dom';
import { compareFeatures, formatArea } from './compare';
import type { PlannerMapSink } from './controller';
import { drawLine, editOutline, type DrawSession, type OutlineSession } from './drawTools';
import { editableRing } from './edits';
import { findGrid, neighboursOf, paintPreview, ringsOf, type PlanGridData } from './planGrids';
import { addPlannerLayers, hideBaseGrids, removePlannerLayers, setPlanData } from './planLayers';
import { geometryBounds, padBounds, problemFeatures } from './problems';
import { pickedCodes, type ClickedGrid, type ToolState } from './tools';

/** Room the panel (right) and the legend (left) take, so a problem flown to is not hidden behind them. */
export const FIT_PADDING = { top: 70, bottom: 40, left: 260, right: 500 };
const PICK_COLOR = '#ffd43b';

export interface PlannerMapOptions {
  map: MapLibreMap;
  i18n: I18n;
  /** A click on the map while the view is shown (the grids under it). */
  onClick(hit: ClickedGrid, event: MapMouseEvent): void;
  /** The split tool's line is drawn. */
  onLine(line: import('geojson').LineString): void;
  /** The reshape outline was changed (a vertex dragged, added or deleted). */
  onOutlineChanged(): void;
  /** After the layers are removed: the published grids shown again as the legend says. */
  restoreBaseLayers(): void;
  describe(error: unknown): string;
  onDrawError(text: string): void;
}

export interface PlannerMap extends PlannerMapSink {
  attach(): void;
  detach(): void;
  /** Hides the published grids again while attached (after something showed every layer group). */
  hideBaseGrids(): void;
  readonly attached: boolean;
  /** The grid popup of the view tool. */
  showGrid(hit: ClickedGrid, at: MapMouseEvent['lngLat']): void;
  closePopup(): void;
}

export function createPlannerMap(options: PlannerMapOptions): PlannerMap {
  const { map, i18n } = options;
  let attached = false;
  let grids: PlanGridData | null = null;
  let session: { key: string; draw: DrawSession } | null = null;
  let outline: OutlineSession | null = null;
  const popup = new Popup({ closeButton: true, closeOnClick: false, maxWidth: '320px', className: 'gridgov-popup' });

  const stopSession = (): void => {
    session?.draw.stop();
    session = null;
    outline = null;
  };

  function hitAt(event: MapMouseEvent): ClickedGrid {
    const unitFeature = map.queryRenderedFeatures(event.point, { layers: ['plan-unit-fill'] })[0];
    const p = unitFeature?.properties as { code?: string; name?: string; parentCode?: string } | undefined;
    const at: Position = [event.lngLat.lng, event.lngLat.lat];
    const large = grids?.large.features.find((f) => {
      const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
      return polys.some((rings) => pointInPolygon(at, rings));
    });
    return {
      unit: p?.code ? { code: p.code, name: p.name ?? '', parentCode: p.parentCode ?? null } : null,
      large: large ? { code: large.properties.code, name: large.properties.name } : null,
    };
  }

  const onClick = (event: MapMouseEvent): void => {
    if (!attached || session) return; // terra-draw has the clicks while it draws
    options.onClick(hitAt(event), event);
  };

  function picks(tool: ToolState): void {
    if (!grids) return setPlanData(map, 'picks', null);
    const codes = new Set(pickedCodes(tool));
    const color = tool.tool === 'assign' && tool.target ? (grids.colors.get(tool.target) ?? PICK_COLOR) : PICK_COLOR;
    setPlanData(map, 'picks', paintPreview(grids.unit, codes, color));
  }

  /** Starts or stops the drawing the tool needs: the outline of the reshaped grid, the split line. */
  function drawing(tool: ToolState): void {
    const key = tool.code && tool.tool === 'reshape' && tool.phase === 'edit' ? `reshape:${tool.code}` : tool.code && tool.tool === 'split' && tool.phase === 'draw' ? `split:${tool.code}` : null;
    if (session?.key === key) return;
    stopSession();
    if (!key || !grids || !attached) return;
    try {
      if (tool.tool === 'reshape') {
        const grid = findGrid(grids.unit, tool.code!);
        const ring = grid ? editableRing(grid.geometry) : null;
        if (!ring) return options.onDrawError(i18n.t('planner.edit.invalid.multiPart'));
        outline = editOutline(map, ring, ringsOf(neighboursOf(tool.code!, grids.unit)), options.onOutlineChanged);
        session = { key, draw: outline };
      } else {
        session = { key, draw: drawLine(map, (line) => options.onLine(line)) };
      }
    } catch (e) {
      stopSession();
      options.onDrawError(options.describe(e));
    }
  }

  map.on('click', onClick);
  map.on('mousemove', (event) => {
    if (!attached || session) return;
    const over = map.queryRenderedFeatures(event.point, { layers: ['plan-unit-fill'] }).length > 0;
    map.getCanvas().style.cursor = over ? 'pointer' : '';
  });
  i18n.onChange(() => popup.isOpen() && popup.remove());

  return {
    get attached() {
      return attached;
    },
    attach() {
      if (attached) return;
      attached = true;
      addPlannerLayers(map);
    },
    hideBaseGrids() {
      if (attached) hideBaseGrids(map);
    },
    detach() {
      if (!attached) return;
      stopSession();
      popup.remove();
      attached = false;
      grids = null;
      removePlannerLayers(map);
      map.getCanvas().style.cursor = '';
      options.restoreBaseLayers();
    },
    grids(data) {
      grids = data;
      if (!attached) return;
      setPlanData(map, 'large', data?.large ?? null);
      setPlanData(map, 'largeLabels', data?.largeLabels ?? null);
      setPlanData(map, 'unit', data?.unit ?? null);
      setPlanData(map, 'unitLabels', data?.unitLabels ?? null);
    },
    problems(items) {
      if (attached) setPlanData(map, 'problems', problemFeatures(items));
    },
    highlight(item) {
      if (!attached) return;
      const geometry = item?.problem.geometry;
      const fc: FeatureCollection = { type: 'FeatureCollection', features: geometry ? [{ type: 'Feature', geometry, properties: { idx: item!.idx } } as Feature] : [] };
      setPlanData(map, 'highlight', fc);
      const bounds = geometryBounds(geometry);
      if (bounds) map.fitBounds(padBounds(bounds), { padding: FIT_PADDING, maxZoom: 18, duration: 600 });
    },
    compare(result) {
      if (attached) setPlanData(map, 'compare', result ? compareFeatures(result) : null);
    },
    tool(tool, data) {
      if (data !== undefined) grids = data;
      if (!attached) return;
      if (tool.tool !== 'view') popup.remove();
      picks(tool);
      drawing(tool);
    },
    outline: () => outline?.ring() ?? null,
    showGrid(hit, at) {
      const unit = hit.unit ? findGrid(grids?.unit, hit.unit.code) : undefined;
      if (!unit) return popup.remove() as unknown as void;
      const p = unit.properties;
      const large = p.parentCode ? findGrid(grids?.large, p.parentCode) : undefined;
      const row = (field: string, label: string, value: string): HTMLElement[] => [el('dt', { 'data-field': field }, label), el('dd', { 'data-field': field }, value || '—')];
      const content = el(
        'div',
        { class: 'locate-popup planner-grid-popup', 'data-state': 'ok', 'data-code': p.code },
        el(
          'dl',
          { class: 'locate-list' },
          ...row('unitGrid', i18n.t('popup.unitGrid'), `${p.code} ${p.name ?? ''}`.trim()),
          ...row('largeGrid', i18n.t('popup.largeGrid'), large ? `${large.properties.code} ${large.properties.name ?? ''}`.trim() : (p.parentCode ?? '')),
          ...row('team', i18n.t('popup.team'), large?.properties.teamName ?? ''),
          ...row('area', i18n.t('planner.grid.area'), typeof p.areaM2 === 'number' ? formatArea(p.areaM2) : ''),
        ),
      );
      popup.setDOMContent(content).setLngLat(at);
      if (!popup.isOpen()) popup.addTo(map);
    },
    closePopup: () => void popup.remove(),
  };
}
