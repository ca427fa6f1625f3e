import type { Map as MapLibreMap } from 'maplibre-gl';
import { createAdminApi } from './admin/adminApi';
import { createAdminPanel } from './admin/panel';
import { createApi, createHttp, type ApiError } from './api';
import { createLifeCircleApi } from './lifecircle/lifeCircleApi';
import { createLifeCircleView } from './lifecircle/lifeCircleView';
import type { BandProperties } from './lifecircle/types';
import { createPlannerApi } from './planner/plannerApi';
import { createPlannerView } from './planner/plannerView';
import { msUntilExpiry, sessionFromToken, SessionStore, type Session } from './auth';
import { debounce } from './debounce';
import { canDispatch } from './dispatch';
import { describeError } from './errors';
import { I18n, type StringKey } from './i18n';
import { clearGridData, countsOf, prepareGridLayerData, setGridData, type GridCounts } from './layers/grids';
import {
  addIncidents,
  INCIDENT_SELECTED_LAYER,
  incidentAt,
  loadedIncidentCounts,
  refreshIncidentTiles,
  removeIncidents,
  selectIncident,
  setFaultLabels,
  type FaultLabels,
} from './layers/incidents';
import { circuitVertexCount, lampAt, removeSelection, showSelection, type SelectionFeature } from './layers/streetlights';
import { createLiveView } from './liveView';
import { addBasemap, applyVisibility, createMap, isStyleReady, removeBasemap, whenStyleLoaded } from './map';
import { browserStorage as storage, deferred, type Deferred } from './ready';
import { SOURCES } from './theme';
import { byId } from './ui/dom';
import { createIncidentPanel } from './ui/incidentPanel';
import { createLampPanel } from './ui/lampPanel';
import { createLegend } from './ui/legend';
import { createLogin } from './ui/login';
import { createNotices } from './ui/notices';
import { attachLocatePopup } from './ui/popup';
import { createStatusBar } from './ui/statusbar';
import { createStationPopup, loadStations, stationAt } from './ui/stationPopup';
import './styles.css';

/** Hooks for the browser end-to-end tests. */
export interface GridGovHooks {
  map: MapLibreMap;
  /** Resolves once, after login, the grid sources are loaded and the map is idle; replaced by a new one on logout. */
  ready: Promise<void>;
  /** Fetches incident `id` and shows it in `#incident-detail`; rejects if it cannot be loaded (or nobody is signed in). */
  openIncident(id: number): Promise<void>;
  /** Fetches lamp or cabinet `code` and shows it in `#lamp-detail`; rejects if it cannot be loaded (or nobody is signed in). */
  openLamp(code: string): Promise<void>;
  /** "Show circuit" in the lamp panel: resolves once the lamp's circuit is drawn (source `circuit-selected`). */
  showCircuit(): Promise<void>;
  /** The number of vertices of the circuit line drawn now, or null when none is. */
  selectedCircuit(): number | null;
  /** The lamp or cabinet code drawn under a map pixel (what a click there opens), or null. */
  lampAt(x: number, y: number): string | null;
  /** Reloads the incident tiles (new cache-busting URL); resolves when the map is idle again. */
  refreshIncidents(): Promise<void>;
  /** The latest fix the client accepted for crew `crewId` (from `GET /api/crews` or the hub), or null. */
  crewPosition(crewId: number): { lon: number; lat: number; t: string } | null;
  /** Where crew `crewId` is drawn now (mid-move included): `[lon, lat]` from the crews source's data, or null. */
  renderedCrew(crewId: number): [number, number] | null;
  /** The life-circle view: opens it (for the roles that have it); `bands()` = the isochrone bands handed to its source, or null. */
  lifeCircle: { open(): Promise<void>; bands(): BandProperties[] | null };
}

declare global {
  interface Window {
    gridgov: GridGovHooks;
  }
}

type LoginMessage = { key: StringKey } | { text: string };

const i18n = new I18n(storage('localStorage'));
const sessions = new SessionStore(storage('sessionStorage'));
const body = document.body;

let loggedIn = false;
let generation = 0;
let expiryTimer: number | undefined;
let ready: Deferred<void> = deferred<void>();
let incidentTimer: number | undefined;
/** The signed-in user's roles (from the token, then `GET /api/me`). */
let roles: string[] = [];

/** How often the incident tiles are reloaded while signed in (the hub's `incident` messages reload them sooner). */
const INCIDENT_REFRESH_MS = 30_000;

const unauthorized = (error?: ApiError): void =>
  logout(error?.detail ? { text: error.detail } : { key: 'login.unauthorized' });

const apiOptions = { getToken: () => sessions.token(), onUnauthorized: unauthorized };
const api = createApi(apiOptions);
const map = createMap(byId('map'), { getToken: () => sessions.token(), onUnauthorized: () => unauthorized() });
window.gridgov = {
  map,
  ready: ready.promise,
  openIncident: (id) => openIncident(id),
  openLamp: (code) => openLamp(code),
  showCircuit: () => lampPanel.showCircuit(),
  selectedCircuit: () => {
    const n = circuitVertexCount(selection);
    return n > 0 ? n : null;
  },
  lampAt: (x, y) => (loggedIn ? lampAt(map, { x, y }) : null),
  refreshIncidents: () => refreshIncidents(),
  crewPosition: (id) => liveView.crewPosition(id),
  renderedCrew: (id) => liveView.renderedCrew(id),
  lifeCircle: { open: () => lifeCircle.open(), bands: () => lifeCircle.mapView.bandsData() },
};

const status = createStatusBar(i18n, () => logout());
const legendEl = byId('legend');
const legend = createLegend(legendEl, i18n, () => applyLayers());
/** Every layer group as the legend says, except the published grids while the planner draws a plan instead. */
function applyLayers(): void {
  applyVisibility(map, legend.visibility);
  planner.hideBaseGrids();
}
const notices = createNotices(byId('notices'), i18n);
const login = createLogin(
  i18n,
  async (username, password) => {
    const token = await api.login(username, password);
    const session = sessionFromToken(username, token);
    sessions.save(session);
    void start(session);
  },
  (error) => describeError(error, i18n),
);
const closePopup = attachLocatePopup({
  map,
  api,
  i18n,
  enabled: () => loggedIn,
  describe: (error) => describeError(error, i18n),
  // A click on an incident (or a lamp) opens it, not the grid lookup.
  skip: (event) =>
    planner.isOpen || lifeCircle.isOpen || incidentAt(map, event.point) !== null || lampAt(map, event.point) !== null || stationAt(map, event.point) !== null,
});
const stationPopup = createStationPopup(map, i18n);
const incidentPanel = createIncidentPanel({
  container: byId('incident-detail'),
  api,
  i18n,
  describe: (error) => describeError(error, i18n),
  onChanged: () => reloadIncidentTiles(),
  onSelect: (id) => selectIncident(map, id),
  dispatch: { api, enabled: () => loggedIn && canDispatch(roles) },
  photos: (url) => api.photoBlob(url),
});

/** What the lamp panel has drawn: the selected lamp's ring, its circuit's line and lamps. */
let selection: SelectionFeature[] = [];
const lampPanel = createLampPanel({
  container: byId('lamp-detail'),
  api,
  i18n,
  describe: (error) => describeError(error, i18n),
  openIncident: (id) => void openIncident(id).catch(() => undefined),
  draw: (lamp, circuit) => {
    if (!isStyleReady(map)) return;
    // Below the incidents, so a case on the circuit stays clickable.
    selection = showSelection(map, { lamp, circuit }, INCIDENT_SELECTED_LAYER);
  },
});

/** The large grids (code, name) of the county, for the admin's team form; set after sign-in. */
let largeGrids: Array<{ code: string; name: string }> = [];
const admin = createAdminPanel({
  container: byId('admin-panel'),
  toggle: byId<HTMLButtonElement>('admin-button'),
  api: createAdminApi(createHttp(apiOptions)),
  i18n,
  largeGrids: () => largeGrids,
  onOpen: () => {
    incidentPanel.close();
    lampPanel.close();
    planner.close();
    lifeCircle.close();
  },
});

const planner = createPlannerView({
  container: byId('planner-panel'),
  toggle: byId<HTMLButtonElement>('planner-button'),
  map,
  api: createPlannerApi(createHttp(apiOptions)),
  i18n,
  describe: (error) => describeError(error, i18n),
  onOpen: () => {
    closePopup();
    incidentPanel.close();
    lampPanel.close();
    admin.close();
    lifeCircle.close();
  },
  restoreBaseLayers: () => applyVisibility(map, legend.visibility),
});

const lifeCircle = createLifeCircleView({
  container: byId('lifecircle-panel'),
  toggle: byId<HTMLButtonElement>('lifecircle-button'),
  map,
  api: createLifeCircleApi(createHttp(apiOptions)),
  i18n,
  onOpen: () => {
    closePopup();
    incidentPanel.close();
    lampPanel.close();
    admin.close();
    planner.close();
  },
});

const liveView = createLiveView({
  map,
  api,
  i18n,
  getToken: () => sessions.token(),
  legend,
  status,
  notices,
  describe: (error) => describeError(error, i18n),
  reloadIncidentTiles: () => reloadIncidentTiles(),
  incidentChanged: (id) => {
    if (incidentPanel.currentId === id) void incidentPanel.reload();
  },
  openIncident: (id) => void openIncident(id).catch(() => undefined),
});

function openIncident(id: number): Promise<void> {
  if (!loggedIn) return Promise.reject(new Error('not signed in'));
  closePopup();
  admin.close();
  planner.close();
  lifeCircle.close();
  lampPanel.close();
  return incidentPanel.open(id);
}

/** Only one of the incident and lamp panels is open at a time. */
function openLamp(code: string): Promise<void> {
  if (!loggedIn) return Promise.reject(new Error('not signed in'));
  closePopup();
  admin.close();
  planner.close();
  lifeCircle.close();
  incidentPanel.close();
  return lampPanel.open(code);
}

const faultLabels = (): FaultLabels => ({ circuit: i18n.t('lamp.kind.circuit'), cabinet: i18n.t('lamp.kind.cabinet') });

/** New tile URL for the incidents source, so every tile is asked for again. False when signed out. */
function reloadIncidentTiles(): boolean {
  return loggedIn && refreshIncidentTiles(map, window.location.origin);
}

/** reloadIncidentTiles, then the map's next idle. */
function refreshIncidents(): Promise<void> {
  if (!reloadIncidentTiles()) return Promise.resolve();
  const done = liveView.idle();
  map.triggerRepaint();
  return done;
}

map.on('click', (event) => {
  if (!loggedIn || planner.isOpen || lifeCircle.isOpen) return;
  const id = incidentAt(map, event.point);
  if (id !== null) {
    void openIncident(id).catch(() => undefined); // the failure is shown in the panel
    return;
  }
  const lamp = lampAt(map, event.point);
  if (lamp !== null) {
    void openLamp(lamp).catch(() => undefined);
    return;
  }
  stationPopup.handle(event);
});
map.on('mousemove', (event) => {
  if (!loggedIn || planner.isOpen || lifeCircle.isOpen) return;
  map.getCanvas().style.cursor =
    incidentAt(map, event.point) !== null || lampAt(map, event.point) !== null || stationAt(map, event.point) !== null ? 'pointer' : '';
});
const countIncidentsSoon = debounce(() => loggedIn && legend.setIncidentCounts(loadedIncidentCounts(map)), 250);
map.on('sourcedata', (event) => {
  if (!loggedIn || event.sourceId !== SOURCES.incidents || !event.isSourceLoaded) return;
  body.dataset.incidentsLoaded = 'true';
  // Also here, not only on 'idle': with crews moving the map is seldom idle.
  countIncidentsSoon();
});
// Legend counts of incidents: those in the tiles loaded for the current view.
map.on('idle', () => {
  if (loggedIn) legend.setIncidentCounts(loadedIncidentCounts(map));
});

function applyLanguage(): void {
  document.documentElement.lang = i18n.current === 'zh' ? 'zh-CN' : 'en';
  document.title = i18n.t('app.title');
  i18n.apply(body);
  if (loggedIn && isStyleReady(map)) setFaultLabels(map, faultLabels());
}
i18n.onChange(applyLanguage);
applyLanguage();

function setLoadedAttributes(counts: GridCounts | null): void {
  if (counts) {
    body.dataset.largeGridCount = String(counts.largeGrids);
    body.dataset.unitGridCount = String(counts.unitGrids);
    body.dataset.postCount = String(counts.posts);
    body.dataset.gridsLoaded = 'true';
  } else {
    delete body.dataset.gridsLoaded;
    delete body.dataset.largeGridCount;
    delete body.dataset.unitGridCount;
    delete body.dataset.postCount;
  }
}

function scheduleExpiry(session: Session): void {
  window.clearTimeout(expiryTimer);
  const ms = Math.min(msUntilExpiry(session, Date.now()), 2 ** 31 - 1);
  expiryTimer = window.setTimeout(() => logout({ key: 'login.expired' }), Math.max(0, ms));
}

/** After a login (or a reload with a stored token): basemap, grid data, then `ready`. */
async function start(session: Session): Promise<void> {
  const gen = ++generation;
  loggedIn = true;
  login.hide();
  legendEl.hidden = false;
  status.setUser({ username: session.username, roles: session.roles });
  status.setMessage({ key: 'status.loading' });
  roles = session.roles;
  admin.setEnabled(roles.includes('admin'));
  planner.setRoles(roles);
  lifeCircle.setRoles(roles);
  scheduleExpiry(session);

  // Who am I, for the status bar; failures other than 401 (handled by the API client) are not fatal.
  api.me().then(
    (me) => {
      if (gen !== generation) return;
      roles = me.roles;
      admin.setEnabled(roles.includes('admin'));
      planner.setRoles(roles);
      lifeCircle.setRoles(roles);
      status.setUser({ username: me.username, roles: me.roles });
    },
    () => undefined,
  );

  try {
    await whenStyleLoaded(map);
    if (gen !== generation) return;
    addBasemap(map, legend.visibility);
    planner.hideBaseGrids();
    addIncidents(map, window.location.origin, legend.visibility.incidents, faultLabels());
    void loadStations(map).then(
      (n) => (body.dataset.stationsLoaded = String(n)),
      (e) => console.warn('[stations]', e),
    );
    window.clearInterval(incidentTimer);
    incidentTimer = window.setInterval(() => {
      if (!document.hidden) reloadIncidentTiles();
    }, INCIDENT_REFRESH_MS);
    liveView.start(legend.visibility.crews, session.roles);
    const [large, unit, posts] = await Promise.all([api.grids('large'), api.grids('unit'), api.posts()]);
    if (gen !== generation) return;
    liveView.setLargeGrids(large);
    largeGrids = large.features.map((f) => ({ code: f.properties.code, name: f.properties.name }));
    const data = prepareGridLayerData(large, unit, posts);
    setGridData(map, data);
    const counts = countsOf(data);
    legend.setCounts(counts);
    await liveView.idle();
    if (gen !== generation) return;
    setLoadedAttributes(counts);
    status.setMessage(null);
    ready.resolve();
  } catch (error) {
    if (gen !== generation) return; // logged out meanwhile (e.g. a 401)
    console.error('[gridgov] loading grid data failed', error);
    status.setMessage({ key: 'status.loadFailed', params: { detail: describeError(error, i18n) } }, true);
    ready.reject(error);
  }
}

/** Drops the token and everything drawn with it, and shows the login panel (with `message`, if any). */
function logout(message?: LoginMessage): void {
  const wasLoggedIn = loggedIn;
  generation++;
  loggedIn = false;
  sessions.clear();
  window.clearTimeout(expiryTimer);
  window.clearInterval(incidentTimer);
  countIncidentsSoon.cancel();
  liveView.stop();
  stationPopup.close();
  delete body.dataset.stationsLoaded;
  admin.setEnabled(false); // closes the panel: nothing shown once stays on screen
  planner.setRoles([]); // closes the planner view and forgets its plan
  lifeCircle.setRoles([]);
  largeGrids = [];
  roles = [];
  if (wasLoggedIn) {
    closePopup();
    incidentPanel.close();
    lampPanel.close();
    selection = [];
    if (isStyleReady(map)) {
      removeSelection(map);
      removeIncidents(map);
      removeBasemap(map);
      clearGridData(map);
    }
    legend.setCounts(null);
    legend.setIncidentCounts(null);
    map.getCanvas().style.cursor = '';
  }
  delete body.dataset.incidentsLoaded;
  legendEl.hidden = true;
  setLoadedAttributes(null);
  status.setUser(null);
  status.setMessage(null);
  // A pending `ready` carries over to the next login; a settled one is replaced.
  if (ready.settled) {
    ready = deferred<void>();
    window.gridgov.ready = ready.promise;
  }
  if (!login.visible || message) login.show(message);
}

const stored = sessions.load();
if (stored) void start(stored);
else login.show();
