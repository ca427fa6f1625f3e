import type { Map as MapLibreMap } from 'maplibre-gl';
import type { I18n } from '../i18n';
import { whenStyleLoaded } from '../map';
import { createLifeCircleController, type LifeCircleController } from './controller';
import type { LifeCircleApi } from './lifeCircleApi';
import { createLifeCircleMap, type LcMap } from './mapView';
import { renderLifeCirclePanel } from './panel';
import type { LcState } from './state';
import './lifecircle.css';

export interface LifeCircleViewOptions {
  container: HTMLElement;
  /** The status bar's 生活圈 button. */
  toggle: HTMLButtonElement;
  map: MapLibreMap;
  api: LifeCircleApi;
  i18n: I18n;
  /** Called as the view opens (to close the panels that sit in the same place and take the same clicks). */
  onOpen?(): void;
}

export interface LifeCircleView {
  /** Shows the 生活圈 button for planners, leaders and admins; signed out: everything forgotten. */
  setRoles(roles: readonly string[]): void;
  open(): Promise<void>;
  close(): void;
  readonly isOpen: boolean;
  readonly controller: LifeCircleController;
  readonly mapView: LcMap;
}

/** Who gets the view (the server's life-circle endpoints decide; this only shows the button). */
export const canSeeLifeCircles = (roles: readonly string[]): boolean => roles.some((r) => r === 'planner' || r === 'leader' || r === 'admin');
/** Who may place and delete planned facilities. */
export const canPlaceFacilities = (roles: readonly string[]): boolean => roles.includes('planner') || roles.includes('admin');

/** `<body data-lifecircle-*>`: what the end-to-end tests wait for. */
export function bodyAttributes(state: LcState, open: boolean): Record<string, string | null> {
  if (!open) {
    return { lifecircleOpen: null, lifecircleBusy: null, lifecircleTool: null, lifecircleIso: null, lifecircleBands: null, lifecircleCommunity: null, lifecircleCoverage: null, lifecircleFacilities: null, lifecircleBuildingClass: null };
  }
  const cov = state.community;
  return {
    lifecircleOpen: 'true',
    lifecircleBusy: String(state.busy || state.loading || !!cov?.loading || state.iso.state === 'loading'),
    lifecircleTool: state.tool,
    lifecircleIso: state.iso.state,
    lifecircleBands: String(state.iso.bands?.features.length ?? 0),
    lifecircleCommunity: cov?.code ?? null,
    lifecircleCoverage: cov ? (cov.loading ? 'loading' : cov.error ? 'error' : cov.coverage ? 'ok' : 'loading') : null,
    lifecircleFacilities: state.facilities ? String(state.facilities.features.length) : null,
    lifecircleBuildingClass: state.buildingClass,
  };
}

/**
 * The life-circle view (生活圈): the panel at the right (ranking, a community's coverage, facilities) and its own
 * layers while it is open; a click on the map draws the walking isochrone from there, or places a planned facility.
 */
export function createLifeCircleView(options: LifeCircleViewOptions): LifeCircleView {
  const { container, toggle, map, i18n } = options;
  const body = document.body;
  let enabled = false;
  let isOpen = false;

  const redraw = (): void => {
    toggle.hidden = !enabled;
    toggle.textContent = i18n.t('lc.open');
    toggle.setAttribute('aria-expanded', String(isOpen));
    container.hidden = !isOpen;
    for (const [key, value] of Object.entries(bodyAttributes(controller.state, isOpen))) {
      if (value === null) delete body.dataset[key];
      else body.dataset[key] = value;
    }
    if (isOpen) renderLifeCirclePanel(container, controller, i18n, () => view.close());
    else container.replaceChildren();
  };

  const mapView = createLifeCircleMap({
    map,
    i18n,
    origin: window.location.origin,
    onClick(click) {
      if (controller.state.tool !== 'place' && click.facility) return mapView.showFacility(click);
      mapView.closePopup();
      void controller.clickMap(click.lon, click.lat);
    },
    canDelete: () => controller.state.canPlace,
    async onDelete(id, name) {
      const ok = await controller.deleteFacility(id, name);
      return ok ? null : (controller.state.notice?.text ?? '');
    },
  });
  const controller = createLifeCircleController({ api: options.api, i18n, sink: mapView, redraw });

  toggle.addEventListener('click', () => (isOpen ? view.close() : void view.open()));
  container.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Escape' && controller.state.tool === 'place') controller.cancelPlacing();
  });
  i18n.onChange(() => {
    controller.relabel();
    redraw();
  });

  const view: LifeCircleView = {
    setRoles(roles) {
      const on = canSeeLifeCircles(roles);
      if (!on) view.close();
      enabled = on;
      controller.setCanPlace(canPlaceFacilities(roles));
      redraw();
    },
    async open() {
      if (!enabled) return;
      if (!isOpen) {
        isOpen = true;
        options.onOpen?.();
        redraw();
        await whenStyleLoaded(map);
        if (!isOpen) return;
        mapView.attach(controller.state.levels);
      }
      await controller.open();
    },
    close() {
      if (!isOpen) return;
      isOpen = false;
      controller.reset();
      mapView.detach();
      redraw();
    },
    get isOpen() {
      return isOpen;
    },
    controller,
    mapView,
  };
  redraw();
  return view;
}
