import type { Map as MapLibreMap } from 'maplibre-gl';
import { ApiError, type Api } from './api';
import { debounce } from './debounce';
import type { I18n } from './i18n';
import { addCrews, createCrewsLayer, removeCrews } from './layers/crews';
import { canWatchLive, createLive, liveStateAttribute } from './live';
import { isStyleReady } from './map';
import { subscriptionBBox, type BBox4 } from './positions';
import type { GridCollection } from './types';
import type { Legend } from './ui/legend';
import { geofenceNotice, offeredIncident, offerNotice, type Notices } from './ui/notices';
import type { StatusBar } from './ui/statusbar';

/** Quiet time after the last map move before the live area is subscribed again. */
const SUBSCRIBE_DEBOUNCE_MS = 300;
/** Quiet time after the last `incident` message before the incident tiles are reloaded. */
const INCIDENT_PUSH_DEBOUNCE_MS = 500;
/** Quiet time after a crew the list does not know shows up before the list is fetched again. */
const CREW_RELOAD_DEBOUNCE_MS = 2_000;
/** How often the crews are drawn again without a new fix, so those gone stale fade. */
const CREW_STALE_CHECK_MS = 15_000;

export interface LiveViewOptions {
  map: MapLibreMap;
  api: Pick<Api, 'crews'>;
  i18n: I18n;
  getToken: () => string | null;
  legend: Pick<Legend, 'setCrewCount' | 'showGroup'>;
  status: Pick<StatusBar, 'setLive'>;
  notices: Notices;
  describe: (error: unknown) => string;
  /** Reload the incident tiles (called debounced after `incident` messages). */
  reloadIncidentTiles: () => void;
  /** The hub says incident `id` changed (reload it if it is shown). */
  incidentChanged: (id: number) => void;
  /** An offer notice was clicked. */
  openIncident: (id: number) => void;
}

export interface LiveView {
  /**
   * After sign-in, once the style has loaded: the crews layer, `GET /api/crews`, the hub connection — for the roles
   * the hub admits; for others (a planner) none of it, and `<body data-live-state="off">`.
   */
  start(visible: boolean, roles: readonly string[]): void;
  /** The large grids, for their names in the geofence notices. */
  setLargeGrids(grids: GridCollection): void;
  /** On sign-out: disconnects, forgets every crew and removes the crews layer. */
  stop(): void;
  /** The map's next idle. The crews are held still meanwhile: while they move, the map never goes idle. */
  idle(): Promise<void>;
  crewPosition(crewId: number): { lon: number; lat: number; t: string } | null;
  renderedCrew(crewId: number): [number, number] | null;
}

/**
 * The live part of the map: crews moving on their layer, the `/hubs/live` connection and its state in the status
 * bar, and the notices it brings. Sets `<body data-live-state>` and `data-crews-loaded`.
 */
export function createLiveView(options: LiveViewOptions): LiveView {
  const { map, api, legend, status, notices } = options;
  const body = document.body;
  let active = false;
  let generation = 0;
  let crewTimer: number | undefined;
  let largeGridNames = new Map<string, string>();
  /** Crews the hub sent that were not in the list: asked for once each, by fetching the list again. */
  const askedFor = new Set<number>();
  /** Before the list has come once, every crew the hub sends is unknown. */
  let listed = false;

  const crews = createCrewsLayer({ map, onCount: (n) => legend.setCrewCount(active ? n : null) });

  const live = createLive({
    getToken: options.getToken,
    handlers: {
      state(state) {
        body.dataset.liveState = liveStateAttribute(state);
        status.setLive(active ? state : null);
      },
      positions(fixes) {
        if (!active) return;
        const unknown = crews.accept(fixes).filter((id) => !askedFor.has(id));
        if (!listed || !unknown.length) return;
        for (const id of unknown) askedFor.add(id);
        reloadCrewsSoon();
      },
      incident(event) {
        if (!active) return;
        refreshIncidentsSoon();
        if (typeof event.id === 'number') options.incidentChanged(event.id);
      },
      geofence(event) {
        if (!active) return;
        const kind = event.kind === 'returned' ? 'geofence-returned' : 'geofence-left';
        notices.show(geofenceNotice(event, (code) => largeGridNames.get(code)), { kind });
      },
      refused(status) {
        if (!active) return;
        notices.show({ key: status === 401 ? 'live.refusedUnauthorized' : 'live.refusedForbidden' }, { kind: 'error', sticky: true });
      },
      offer(event) {
        const text = offerNotice(event);
        const id = offeredIncident(event);
        if (!active || !text || id === null) return;
        notices.show(text, { kind: 'offer', onClick: () => options.openIncident(id) });
      },
    },
  });
  body.dataset.liveState = liveStateAttribute(live.state);

  function viewBBox(): BBox4 | null {
    const b = map.getBounds();
    return subscriptionBBox([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
  }

  const subscribeSoon = debounce(() => live.subscribe(viewBBox()), SUBSCRIBE_DEBOUNCE_MS);
  const refreshIncidentsSoon = debounce(() => options.reloadIncidentTiles(), INCIDENT_PUSH_DEBOUNCE_MS);
  const reloadCrewsSoon = debounce(() => void loadCrews(generation), CREW_RELOAD_DEBOUNCE_MS);

  map.on('moveend', () => {
    if (active) subscribeSoon();
  });

  /** `GET /api/crews`: names, roles and shifts, and a position for crews the hub has not sent yet. */
  async function loadCrews(gen: number): Promise<void> {
    try {
      const list = await api.crews();
      if (gen !== generation) return;
      crews.setRoster(list, Date.now());
      listed = true;
      body.dataset.crewsLoaded = 'true';
    } catch (error) {
      if (gen !== generation) return;
      console.warn('[gridgov] loading crews failed', error);
      // A role that may not see the crews just has no crews layer.
      if (!(error instanceof ApiError && error.status === 403)) {
        notices.show({ key: 'crews.loadFailed', params: { detail: options.describe(error) } }, { kind: 'error' });
      }
    }
  }

  return {
    start(visible, roles) {
      const gen = ++generation;
      const allowed = canWatchLive(roles);
      legend.showGroup('crews', allowed);
      if (!allowed) {
        body.dataset.liveState = 'off';
        return;
      }
      active = true;
      status.setLive(live.state);
      addCrews(map, visible);
      crews.redraw();
      window.clearInterval(crewTimer);
      crewTimer = window.setInterval(() => crews.redraw(), CREW_STALE_CHECK_MS);
      void loadCrews(gen);
      live.subscribe(viewBBox());
      live.start();
    },
    setLargeGrids(grids) {
      largeGridNames = new Map(grids.features.map((f) => [String(f.properties.code), String(f.properties.name ?? '')]));
    },
    stop() {
      generation++;
      active = false;
      window.clearInterval(crewTimer);
      void live.stop();
      subscribeSoon.cancel();
      refreshIncidentsSoon.cancel();
      reloadCrewsSoon.cancel();
      crews.clear();
      askedFor.clear();
      listed = false;
      largeGridNames = new Map();
      notices.clear();
      if (isStyleReady(map)) removeCrews(map);
      legend.setCrewCount(null);
      status.setLive(null);
      legend.showGroup('crews', true);
      body.dataset.liveState = liveStateAttribute(live.state);
      delete body.dataset.crewsLoaded;
    },
    async idle() {
      const release = crews.hold();
      try {
        await map.once('idle');
      } finally {
        release();
      }
    },
    crewPosition: (id) => crews.latest(id),
    renderedCrew: (id) => crews.rendered(id),
  };
}
