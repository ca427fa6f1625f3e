import type { Map as MapLibreMap } from 'maplibre-gl';
import type { I18n } from '../i18n';
import { whenStyleLoaded } from '../map';
import { createPlannerController, type PlannerController } from './controller';
import { forgetImportFile } from './dialogs';
import { createPlannerMap } from './mapView';
import { renderPanel } from './panel';
import type { PlannerApi } from './plannerApi';
import './planner.css';

export interface PlannerViewOptions {
  container: HTMLElement;
  /** The status bar's 规划 button. */
  toggle: HTMLButtonElement;
  map: MapLibreMap;
  api: PlannerApi;
  i18n: I18n;
  describe(error: unknown): string;
  /** Called as the view opens (to close the incident panel and the admin panel, which sit in the same place). */
  onOpen?(): void;
  /** After the view closes: the published grids shown again as the legend says. */
  restoreBaseLayers(): void;
}

export interface PlannerView {
  /** Shows the 规划 button for planners and admins; a planner's view opens at once. Signed out: everything forgotten. */
  setRoles(roles: readonly string[]): void;
  open(): Promise<void>;
  close(): void;
  readonly isOpen: boolean;
  readonly controller: PlannerController;
  /** Hides the published grids again while a plan is drawn in their place. */
  hideBaseGrids(): void;
}

/** Who may use the planner view (the server's plans endpoints decide, this only shows the button). */
export const canPlan = (roles: readonly string[]): boolean => roles.includes('planner') || roles.includes('admin');

function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The planner's map: the panel at the right (plans, edit tools, validation, balance, compare, history) and the
 * plan's grids drawn in place of the published ones while it is open. `<body data-planner-open>` tells tests.
 */
export function createPlannerView(options: PlannerViewOptions): PlannerView {
  const { container, toggle, map, i18n } = options;
  const body = document.body;
  let enabled = false;
  let isOpen = false;
  let autoOpened = false;

  const redraw = (): void => {
    toggle.hidden = !enabled;
    toggle.textContent = i18n.t('planner.open');
    toggle.setAttribute('aria-expanded', String(isOpen));
    container.hidden = !isOpen;
    if (isOpen) renderPanel(container, controller, i18n, () => view.close());
    else container.replaceChildren();
  };

  const mapView = createPlannerMap({
    map,
    i18n,
    describe: options.describe,
    restoreBaseLayers: options.restoreBaseLayers,
    onClick(hit, event) {
      if (controller.state.tool.tool === 'view') {
        if (hit.unit) mapView.showGrid(hit, event.lngLat);
        else mapView.closePopup();
        return;
      }
      controller.clickGrid(hit);
    },
    onLine: (line) => void controller.splitWith(line),
    onOutlineChanged: () => undefined,
    onDrawError(text) {
      controller.state.notice = { ok: false, text };
      redraw();
    },
  });

  const controller = createPlannerController({ api: options.api, i18n, describe: options.describe, sink: mapView, redraw, download });

  container.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key !== 'Escape') return;
    const s = controller.state;
    if (s.publish) controller.closePublish();
    else if (s.importForm) controller.closeImport();
  });
  toggle.addEventListener('click', () => (isOpen ? view.close() : void view.open()));
  i18n.onChange(() => redraw());

  const view: PlannerView = {
    setRoles(roles) {
      const on = canPlan(roles);
      if (!on) {
        view.close();
        autoOpened = false;
      }
      enabled = on;
      redraw();
      if (on && roles.includes('planner') && !autoOpened) {
        autoOpened = true;
        void view.open();
      }
    },
    async open() {
      if (!enabled) return;
      if (!isOpen) {
        isOpen = true;
        body.dataset.plannerOpen = 'true';
        options.onOpen?.();
        redraw();
        await whenStyleLoaded(map);
        if (!isOpen) return;
        mapView.attach();
      }
      await controller.open();
    },
    close() {
      if (!isOpen) return;
      isOpen = false;
      controller.reset();
      forgetImportFile();
      mapView.detach();
      delete body.dataset.plannerOpen;
      for (const key of ['plannerPlan', 'plannerStatus', 'plannerVersion', 'plannerBusy', 'plannerTool']) delete body.dataset[key];
      redraw();
    },
    get isOpen() {
      return isOpen;
    },
    controller,
    hideBaseGrids: () => mapView.hideBaseGrids(),
  };
  redraw();
  return view;
}
