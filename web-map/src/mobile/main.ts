import { ApiError } from '../api';
import { msUntilExpiry, sessionFromToken, SessionStore, type Session } from '../auth';
import { browserStorage, deferred, type Deferred } from '../ready';
import { byId, el } from '../ui/dom';
import { createMobileApi, type CaseDetail, type CaseSummary, type MeWithDuty, type OfferMessage, type PhotoView } from './api';
import { clockTime, fill, formatCountdown, formatDistance, formatEta, localDate, secondsLeft, type Lang } from './format';
import { idbQueueStore } from './idbStore';
import { downscale } from '../photo';
import { FixQueue, type Fix, type PositionsResponse } from './queue';
import { en, zh, type MobileKey } from './strings';
import { Tracker, type GeoState, type Here, type HubState } from './tracker';
import type { RouteMap } from './routeMap';
import { createMemberApp, type MemberTab } from './member';
import type { OrderView } from './orders';
import './mobile.css';

/** The photo made small for the upload; one the browser cannot decode goes as it is (the server says why). */
const forUpload = (file: Blob): Promise<Blob> => downscale(file).then((small) => small.blob, () => file);

/** Hooks for the browser end-to-end tests (tests/GridGov.E2E/MobileCrewTests.cs). */
export interface GridGovMobileHooks {
  /** Resolves once, after sign-in, the crew, its duty, offers and cases are loaded; replaced on sign-out. */
  ready: Promise<void>;
  /** Fixes waiting in the offline queue (IndexedDB). */
  queueLength(): number;
  /** The waiting fixes, oldest first. */
  queued(): Fix[];
  /** Sends what waits now (if the hub is up); resolves the number the server answered for. */
  flush(): Promise<number>;
  /** Every answer of the hub's Report, in order (for the tests). */
  reports: Array<{ sent: Fix[]; response: PositionsResponse }>;
  /** The phone's latest position, or null. */
  here(): Here | null;
  openCase(id: number): Promise<void>;
  /** A member's orders as the app holds them (open ones and their own). */
  orders(): OrderView[];
}

declare global {
  interface Window {
    gridgovMobile: GridGovMobileHooks;
  }
}

const LANG_KEY = 'gridgov.lang';
const local = browserStorage('localStorage');
let lang: Lang = local.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
const t = (key: MobileKey, params?: Record<string, string | number>): string => fill((lang === 'en' ? en : zh)[key] ?? zh[key], params);

// A phone app is closed and reopened all day: the token is kept in localStorage (until it expires), not per tab.
const sessions = new SessionStore(local);
const body = document.body;
const api = createMobileApi({ getToken: () => sessions.token(), onUnauthorized: () => signOut('login.expired') });

let ready: Deferred<void> = deferred<void>();
let session: Session | null = null;
let crewId: number | null = null;
let onDuty = false;
let tracker: Tracker | null = null;
let here: Here | null = null;
let geo: GeoState = 'idle';
let generation = 0;
let expiryTimer: number | undefined;
const reports: GridGovMobileHooks['reports'] = [];

const queue = new FixQueue({
  store: idbQueueStore(),
  send: (batch) => (tracker ? tracker.send(batch) : Promise.reject(new Error('signed out'))),
  canSend: () => !!tracker?.canSend(),
  changed: (n) => {
    body.dataset.queue = String(n);
    renderNet();
  },
  answered: (sent, response) => {
    reports.push({ sent, response });
    if (reports.length > 200) reports.shift();
  },
});

window.gridgovMobile = {
  ready: ready.promise,
  queueLength: () => queue.length,
  queued: () => queue.snapshot(),
  flush: () => queue.flush(),
  reports,
  here: () => here,
  openCase: (id) => openCase(id),
  orders: () => member.orders(),
};

/** 'member': a community member (role member, no crew) gets the member's screens; no duty, positions or offers. */
let mode: 'crew' | 'member' = 'crew';
const member = createMemberApp({
  api,
  t,
  lang: () => lang,
  describe: (e) => describe(e),
  getToken: () => sessions.token(),
  hubState: (state) => {
    hubState = state;
    renderHub();
  },
  refused: () => signOut('login.expired'),
  forUpload,
});

// ---------- language ----------

function applyLanguage(): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `${t('app.title')} GridGov`;
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n]')) node.textContent = t(node.dataset.i18n as MobileKey);
  for (const node of document.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]'))
    node.placeholder = t(node.dataset.i18nPlaceholder as MobileKey);
  renderDuty();
  renderGeo();
  renderNet();
  renderHub();
  for (const card of offers.values()) card.render();
  byId('brand').textContent = t(mode === 'member' ? 'member.title' : 'app.title');
  if (mode === 'member') {
    if (session) member.render();
  } else if (session) {
    void loadCases();
    if (currentTab === 'log') void loadWorklog();
    if (currentTab === 'report') renderPosition();
  }
  if (shownCase) renderCase(shownCase);
}
byId('lang-toggle').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  try {
    local.setItem(LANG_KEY, lang);
  } catch {
    // not remembered
  }
  applyLanguage();
});

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.isNetwork ? t('error.network') : error.detail || error.title || `HTTP ${error.status}`;
  return error instanceof Error ? error.message : String(error);
}

const statusName = (s: string): string => (`status.${s}` in zh ? t(`status.${s}` as MobileKey) : s);
const actionName = (a: string): string => (`action.${a}` in zh ? t(`action.${a}` as MobileKey) : a);

// ---------- views and tabs ----------

type View = 'login' | 'home' | 'case' | 'route' | 'member';
type Tab = 'tasks' | 'report' | 'log';
let currentTab: Tab = 'tasks';

function showView(view: View): void {
  for (const v of ['login', 'home', 'case', 'route', 'member'] as const) byId(`${v}-view`).hidden = v !== view;
  body.dataset.view = view;
  byId('tabbar').hidden = view === 'login' || view === 'member';
  byId('member-tabbar').hidden = view !== 'member';
  if (view !== 'route') closeRouteMap();
  window.scrollTo(0, 0);
}

function showTab(tab: Tab): void {
  currentTab = tab;
  for (const name of ['tasks', 'report', 'log'] as const) byId(`tab-${name}`).hidden = name !== tab;
  for (const b of document.querySelectorAll<HTMLButtonElement>('#tabbar button'))
    if (b.dataset.tab === tab) b.setAttribute('aria-current', 'page');
    else b.removeAttribute('aria-current');
  body.dataset.tab = tab;
  if (tab === 'report') void openReport();
  if (tab === 'log') void loadWorklog();
  if (tab === 'tasks') void loadCases();
}

/** Hash routes so the phone's back button works: #tasks, #report, #log, #case/ID, #route/ID. */
function route(): void {
  if (!session) return showView('login');
  const [name, arg] = location.hash.replace(/^#/, '').split('/');
  if (mode === 'member') {
    showView('member');
    member.showTab(name === 'mine' || name === 'points' ? (name as MemberTab) : 'orders');
    return;
  }
  const id = Number(arg);
  if (name === 'case' && id > 0) {
    showView('case');
    if (shownCase?.id !== id) void loadCase(id);
    return;
  }
  if (name === 'route' && id > 0) {
    showView('route');
    void showRoute(id);
    return;
  }
  showView('home');
  showTab(name === 'report' || name === 'log' ? name : 'tasks');
}
window.addEventListener('hashchange', route);
for (const b of document.querySelectorAll<HTMLButtonElement>('#tabbar button'))
  b.addEventListener('click', () => {
    location.hash = b.dataset.tab ?? 'tasks';
  });
byId('case-back').addEventListener('click', () => {
  location.hash = 'tasks';
});
byId('route-back').addEventListener('click', () => {
  location.hash = shownCase ? `case/${shownCase.id}` : 'tasks';
});

// ---------- banners ----------

function renderGeo(): void {
  const banner = byId('geo-banner');
  body.dataset.geo = geo;
  if (geo === 'denied' || geo === 'unsupported') {
    byId('geo-banner-title').textContent = t('geo.denied.title');
    byId('geo-banner-body').textContent = geo === 'denied' ? t('geo.denied.body') : t('geo.unsupported');
    banner.hidden = false;
  } else banner.hidden = true;
}

let geoDetail = '';
function renderNet(): void {
  const banner = byId('net-banner');
  if (!session) {
    banner.hidden = true;
    return;
  }
  const offline = navigator.onLine === false;
  const n = queue.length;
  body.dataset.online = String(!offline);
  if (offline) banner.textContent = t('net.offline', { n });
  else if (geo === 'unavailable') banner.textContent = t('geo.unavailable', { detail: geoDetail });
  else if (n > 0 && onDuty) banner.textContent = t('net.queued', { n });
  else {
    banner.hidden = true;
    return;
  }
  banner.hidden = false;
}
window.addEventListener('online', renderNet);
window.addEventListener('offline', renderNet);

let hubState: HubState | null = null;
function renderHub(): void {
  const node = byId('hub-state');
  if (!hubState || !session) {
    node.hidden = true;
    delete body.dataset.hub;
    return;
  }
  node.hidden = false;
  node.dataset.state = hubState;
  body.dataset.hub = hubState;
  node.textContent = t(hubState === 'connected' ? 'hub.connected' : hubState === 'disconnected' ? 'hub.disconnected' : 'hub.reconnecting');
}

// ---------- sign-in ----------

const loginForm = byId<HTMLFormElement>('login-form');
loginForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn();
});

async function signIn(): Promise<void> {
  const username = byId<HTMLInputElement>('login-username').value.trim();
  const password = byId<HTMLInputElement>('login-password').value;
  const error = byId('login-error');
  const notCrew = byId('login-notcrew');
  const submit = byId<HTMLButtonElement>('login-submit');
  error.textContent = '';
  notCrew.hidden = true;
  submit.disabled = true;
  submit.textContent = t('login.busy');
  try {
    const token = await api.login(username, password);
    const roles = (token.roles ?? []).map((r) => r.toLowerCase());
    if (!roles.includes('crew') && !roles.includes('admin') && !roles.includes('member')) {
      notCrew.querySelector('span')!.textContent = t('login.notCrew', { roles: roles.join(', ') || '-' });
      notCrew.hidden = false;
      return;
    }
    const s = sessionFromToken(username, token);
    sessions.save(s);
    await start(s);
  } catch (e) {
    error.textContent = t('login.failed', { detail: describe(e) });
  } finally {
    submit.disabled = false;
    submit.textContent = t('login.submit');
  }
}

const ME_KEY = 'gridgov.m.me';

/**
 * GET /api/me, remembered: opened in a dead zone (the page from the service worker's cache), the app starts with the
 * crew it had last time for this user, keeps taking fixes into the queue and catches up once the network is back.
 */
async function whoAmI(username: string): Promise<MeWithDuty> {
  try {
    const me = await api.me();
    try {
      local.setItem(ME_KEY, JSON.stringify(me));
    } catch {
      // not remembered
    }
    return me;
  } catch (e) {
    if (!(e instanceof ApiError && e.isNetwork)) throw e;
    try {
      const cached = JSON.parse(local.getItem(ME_KEY) ?? 'null') as MeWithDuty | null;
      if (cached && cached.username === username) return cached;
    } catch {
      // nothing usable remembered
    }
    throw e;
  }
}

async function start(s: Session): Promise<void> {
  const gen = ++generation;
  session = s;
  body.dataset.signedIn = 'true';
  byId('logout-button').hidden = false;
  window.clearTimeout(expiryTimer);
  expiryTimer = window.setTimeout(() => signOut('login.expired'), Math.max(0, Math.min(msUntilExpiry(s, Date.now()), 2 ** 31 - 1)));
  try {
    const me = await whoAmI(s.username);
    if (gen !== generation) return;
    if (me.crewId == null && (me.roles ?? []).map((r) => r.toLowerCase()).includes('member')) {
      if (me.memberId == null) {
        signOut('login.noMember');
        return;
      }
      mode = 'member';
      body.dataset.mode = 'member';
      byId('brand').textContent = t('member.title');
      route();
      await member.start(me);
      if (gen !== generation) return;
      body.dataset.mobileReady = 'true';
      ready.resolve();
      return;
    }
    mode = 'crew';
    body.dataset.mode = 'crew';
    const id = me.crewId == null ? NaN : Number(me.crewId);
    if (!Number.isFinite(id)) {
      signOut('login.noCrew');
      return;
    }
    crewId = id;
    onDuty = me.onDuty === true;
    byId('crew-name').textContent = me.username;
    body.dataset.crewId = String(id);
    renderDuty();
    tracker = new Tracker({
      crewId: id,
      getToken: () => sessions.token(),
      queue,
      hubState: (state) => {
        hubState = state;
        renderHub();
      },
      geoState: (state, detail) => {
        const changed = state !== geo;
        geo = state;
        geoDetail = detail ?? '';
        if (changed) {
          renderGeo();
          renderNet();
          renderDuty();
        }
      },
      here: (p) => {
        const first = here === null;
        here = p;
        if (currentTab === 'report') renderPosition();
        if (first) void loadNearest();
      },
      offer: (message) => showOffer(message),
      refused: () => signOut('login.expired'),
    });
    tracker.setDuty(onDuty);
    showView('home');
    route();
    void tracker.start();
    await Promise.all([loadOffers(), loadCases()]);
    if (gen !== generation) return;
    body.dataset.mobileReady = 'true';
    ready.resolve();
  } catch (e) {
    if (gen !== generation) return;
    byId('duty-error').textContent = describe(e);
    ready.reject(e);
  }
}

function signOut(message?: MobileKey): void {
  generation++;
  session = null;
  crewId = null;
  sessions.clear();
  try {
    local.removeItem(ME_KEY);
  } catch {
    // ignore
  }
  window.clearTimeout(expiryTimer);
  void tracker?.stop();
  tracker = null;
  if (mode === 'member') member.stop();
  mode = 'crew';
  delete body.dataset.mode;
  byId('brand').textContent = t('app.title');
  hubState = null;
  for (const card of offers.values()) card.remove();
  offers.clear();
  shownCase = null;
  delete body.dataset.signedIn;
  delete body.dataset.mobileReady;
  delete body.dataset.onDuty;
  byId('logout-button').hidden = true;
  renderHub();
  renderNet();
  if (ready.settled) {
    ready = deferred<void>();
    window.gridgovMobile.ready = ready.promise;
  }
  byId('login-error').textContent = message ? t(message) : '';
  history.replaceState(null, '', location.pathname);
  showView('login');
}
byId('logout-button').addEventListener('click', () => signOut());

// ---------- duty ----------

function renderDuty(): void {
  const button = byId<HTMLButtonElement>('duty-toggle');
  // The button says what a tap does: 上班 when off duty, 下班 when on.
  button.textContent = onDuty ? t('duty.off') : t('duty.on');
  button.setAttribute('aria-pressed', String(onDuty));
  byId('duty-state').textContent = !onDuty ? t('duty.stateOff') : geo === 'denied' || geo === 'unsupported' ? t('duty.stateOnNoGeo') : t('duty.stateOn');
  if (session) body.dataset.onDuty = String(onDuty);
}

byId('duty-toggle').addEventListener('click', async () => {
  if (crewId === null) return;
  const button = byId<HTMLButtonElement>('duty-toggle');
  const error = byId('duty-error');
  error.textContent = '';
  button.disabled = true;
  const want = !onDuty;
  try {
    const answer = await api.duty(crewId, want);
    onDuty = answer?.onDuty ?? want;
    try {
      const cached = JSON.parse(local.getItem(ME_KEY) ?? 'null') as MeWithDuty | null;
      if (cached) local.setItem(ME_KEY, JSON.stringify({ ...cached, onDuty }));
    } catch {
      // not remembered
    }
    tracker?.setDuty(onDuty);
    if (onDuty) tracker?.watch();
    else void queue.flush();
    renderDuty();
    renderNet();
  } catch (e) {
    error.textContent = t('duty.failed', { detail: describe(e) });
  } finally {
    button.disabled = false;
  }
});

// ---------- offers ----------

interface OfferCard {
  readonly message: OfferMessage;
  render(): void;
  tick(): void;
  remove(): void;
}
const offers = new Map<number, OfferCard>();

function offersChanged(): void {
  body.dataset.offers = String(offers.size);
}

async function loadOffers(): Promise<void> {
  const list = await api.offers().catch(() => []);
  for (const o of list) {
    if (o.status && o.status.toLowerCase() !== 'pending') continue;
    if (offers.has(o.id)) continue;
    let categoryCode = '';
    let categoryName: string | null = null;
    let lon = 0;
    let lat = 0;
    try {
      const inc = await api.incident(o.incidentId);
      categoryCode = inc.category.code;
      categoryName = lang === 'en' && inc.category.nameEn ? inc.category.nameEn : inc.category.name;
      lon = inc.lon;
      lat = inc.lat;
    } catch {
      // the card still shows the case number and the countdown
    }
    showOffer({
      offerId: o.id, incidentId: o.incidentId, categoryCode, categoryName, lon, lat, expiresAt: o.expiresAt,
      distanceM: o.distanceM ?? null, etaS: o.etaS ?? null, byRoad: !!o.byRoad,
    });
  }
}

function showOffer(message: OfferMessage): void {
  if (offers.has(message.offerId)) return;
  const node = el('article', {
    class: 'm-card m-offer', 'data-offer-id': String(message.offerId), 'data-incident-id': String(message.incidentId), 'data-expires-at': message.expiresAt,
  });
  let problem = '';
  /** The server said the offer is past answering (409 expired or withdrawn, 404, 403). */
  let gone = false;
  let busy = false;
  let done = false;
  const countdownText = (): string => {
    if (gone) return t('offer.gone');
    const left = secondsLeft(message.expiresAt, Date.now());
    return left > 0 ? t('offer.countdown', { time: formatCountdown(left) }) : t('offer.expired');
  };
  const card: OfferCard = {
    message,
    render() {
      const left = secondsLeft(message.expiresAt, Date.now());
      node.replaceChildren(
        el('h2', {}, `${t('offer.title')} · #${message.incidentId}`),
        el('div', { class: 'm-offer-category' }, message.categoryName || message.categoryCode || ''),
        el('p', { class: 'm-offer-meta' },
          [message.distanceM != null ? t('offer.distance', { d: formatDistance(message.distanceM, lang) }) : '',
            message.etaS != null ? t('offer.eta', { eta: formatEta(message.etaS, lang) }) : ''].filter(Boolean).join(' · ')),
        el('div', { class: 'm-countdown', 'data-expired': String(gone || left <= 0), role: 'timer' }, countdownText()),
        problem
          ? el('div', { class: 'm-offer-problem', role: 'alert' }, gone ? el('strong', {}, t('offer.gone')) : '', el('p', {}, problem))
          : '',
        done
          ? el('p', { class: 'm-result', 'data-kind': 'ok' }, t('offer.accepted'))
          : gone
            ? el('div', { class: 'm-actions' }, el('button', { class: 'm-btn', type: 'button', 'data-action': 'dismiss' }, t('handle.cancel')))
            : el('div', { class: 'm-actions' },
                el('button', { class: 'm-btn m-btn-bad', type: 'button', 'data-action': 'decline', disabled: busy }, t('offer.decline')),
                el('button', { class: 'm-btn m-btn-primary', type: 'button', 'data-action': 'accept', disabled: busy }, t('offer.accept')),
              ),
      );
    },
    tick() {
      const timer = node.querySelector<HTMLElement>('.m-countdown');
      if (!timer) return;
      timer.dataset.expired = String(gone || secondsLeft(message.expiresAt, Date.now()) <= 0);
      // The server decides: the buttons stay at 0:00, a late answer gets the server's message on the card.
      timer.textContent = countdownText();
    },
    remove() {
      node.remove();
    },
  };
  node.addEventListener('click', async (event) => {
    const action = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]')?.dataset.action;
    if (!action || busy) return;
    if (action === 'dismiss') {
      offers.delete(message.offerId);
      card.remove();
      offersChanged();
      return;
    }
    busy = true;
    card.render();
    try {
      if (action === 'accept') {
        await api.acceptOffer(message.offerId);
        done = true;
        busy = false;
        card.render();
        void loadCases();
        window.setTimeout(() => {
          offers.delete(message.offerId);
          card.remove();
          offersChanged();
        }, 1500);
        location.hash = `case/${message.incidentId}`;
      } else {
        await api.declineOffer(message.offerId);
        offers.delete(message.offerId);
        card.remove();
        offersChanged();
      }
    } catch (e) {
      busy = false;
      problem = describe(e);
      // Past the answer (expired, withdrawn, taken): the card stays with the server's word and a way to close it.
      if (e instanceof ApiError && (e.status === 409 || e.status === 404 || e.status === 403)) {
        gone = true;
        node.dataset.problem = String(e.status);
      }
      card.render();
    }
  });
  offers.set(message.offerId, card);
  card.render();
  byId('offers').prepend(node);
  offersChanged();
  if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
}
window.setInterval(() => {
  for (const card of offers.values()) card.tick();
}, 1000);

// ---------- my cases, nearest ----------

const OPEN_ORDER = ['dispatched', 'accepted', 'inProgress', 'handled', 'registered', 'reported'];

function caseItem(c: { id: number; status: string; name: string; sub: string; overdue?: boolean }): HTMLElement {
  const item = el('button', { class: 'm-item', type: 'button', 'data-case-id': String(c.id), 'data-status': c.status },
    el('span', { class: 'm-item-top' }, el('span', {}, `#${c.id} ${c.name}`), el('span', { class: 'm-status', 'data-status': c.status }, statusName(c.status))),
    el('span', { class: 'm-item-sub' }, c.sub, c.overdue ? el('span', { class: 'm-overdue' }, ` · ${t('case.overdue')}`) : null),
  );
  item.addEventListener('click', () => {
    location.hash = `case/${c.id}`;
  });
  return item;
}

async function loadCases(): Promise<void> {
  if (!session) return;
  const list = byId('my-cases');
  try {
    const page = await api.myCases();
    const items = [...(page?.items ?? [])].sort(
      (a: CaseSummary, b: CaseSummary) =>
        (OPEN_ORDER.indexOf(a.status) + 99) % 99 - ((OPEN_ORDER.indexOf(b.status) + 99) % 99) || b.id - a.id,
    );
    list.replaceChildren(
      ...(items.length
        ? items.map((c) =>
            caseItem({ id: c.id, status: c.status, name: c.categoryName || c.category, overdue: c.overdue,
              sub: [t('case.reportedAt', { time: clockTime(c.reportedAt) }), c.deadline ? t('case.deadline', { time: clockTime(c.deadline) }) : '']
                .filter(Boolean).join(' · ') }),
          )
        : [el('p', { class: 'm-empty' }, t('cases.none'))]),
    );
    body.dataset.casesLoaded = 'true';
  } catch (e) {
    list.replaceChildren(el('p', { class: 'm-error' }, describe(e)));
  }
  void loadNearest();
}
byId('cases-refresh').addEventListener('click', () => void loadCases());
// The crew's cases change at the dispatch desk too (sent back, extended, verified): looked at again now and then.
window.setInterval(() => {
  if (session && !document.hidden && body.dataset.view === 'home' && currentTab === 'tasks') void loadCases();
}, 60_000);

async function loadNearest(): Promise<void> {
  if (crewId === null) return;
  const list = byId('nearest');
  try {
    const near = await api.nearest(crewId);
    list.replaceChildren(
      ...(near.length
        ? near.map((n) =>
            caseItem({ id: n.id, status: n.status, name: n.categoryName || n.categoryCode,
              sub: `${formatDistance(n.distanceM, lang)} · ${formatEta(n.etaS, lang)}` }),
          )
        : [el('p', { class: 'm-empty' }, t('cases.nearestNone'))]),
    );
  } catch (e) {
    list.replaceChildren(el('p', { class: 'm-empty' }, e instanceof ApiError && e.status === 409 ? t('cases.nearestNoPos') : describe(e)));
  }
}

// ---------- one case ----------

let shownCase: CaseDetail | null = null;
let photoUrls: string[] = [];
const CREW_ACTIONS = ['accept', 'start', 'handle'];

async function openCase(id: number): Promise<void> {
  location.hash = `case/${id}`;
  await loadCase(id);
}

async function loadCase(id: number): Promise<void> {
  const detail = byId('case-detail');
  byId('case-message').textContent = '';
  byId<HTMLFormElement>('handle-form').hidden = true;
  delete body.dataset.caseLoaded;
  if (shownCase?.id !== id) {
    detail.replaceChildren(el('p', { class: 'm-muted' }, '…'));
    byId('case-actions').replaceChildren();
    byId('case-photos').replaceChildren();
    byId('case-history').replaceChildren();
  }
  try {
    const c = await api.incident(id);
    shownCase = c;
    renderCase(c);
    void renderPhotos(c);
    body.dataset.caseLoaded = String(id);
  } catch (e) {
    detail.replaceChildren(el('p', { class: 'm-error' }, t('case.loadFailed', { detail: describe(e) })));
  }
}

function renderCase(c: CaseDetail): void {
  const name = lang === 'en' && c.category.nameEn ? c.category.nameEn : c.category.name;
  byId('case-detail').replaceChildren(
    el('div', { class: 'm-item-top' }, el('h2', {}, `${t('case.title', { id: c.id })} ${name}`),
      el('span', { class: 'm-status', 'data-status': c.status, id: 'case-status' }, statusName(c.status))),
    c.description ? el('p', {}, c.description) : '',
    el('dl', { class: 'm-kv' },
      el('dt', {}, t('case.reportedAt', { time: '' }).trim()), el('dd', {}, new Date(c.reportedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en')),
      c.deadline ? el('dt', {}, t('case.deadline', { time: '' }).trim()) : null,
      c.deadline ? el('dd', { class: c.overdue ? 'm-overdue' : '' }, new Date(c.deadline).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en') + (c.overdue ? ` · ${t('case.overdue')}` : '')) : null,
      c.unitGridCode ? el('dt', {}, '网格') : null,
      c.unitGridCode ? el('dd', {}, c.unitGridCode) : null,
    ),
  );
  const actions = (c.availableActions ?? []).filter((a) => CREW_ACTIONS.includes(a));
  const buttons = actions.map((a) => {
    const b = el('button', { class: `m-btn ${a === 'handle' ? 'm-btn-primary' : 'm-btn-primary'}`, type: 'button', 'data-action': a }, actionName(a));
    b.addEventListener('click', () => void takeAction(c.id, a));
    return b;
  });
  const routeButton = el('button', { class: 'm-btn', type: 'button', 'data-action': 'route' }, t('case.route'));
  routeButton.addEventListener('click', () => {
    location.hash = `route/${c.id}`;
  });
  byId('case-actions').replaceChildren(...buttons, routeButton);
  byId('case-history').replaceChildren(
    ...(c.history ?? []).map((h) =>
      el('li', {}, `${clockTime(h.at)} ${actionName(h.action)} → ${statusName(String(h.to))}${h.note ? ` · ${h.note}` : ''}`),
    ),
  );
}

async function renderPhotos(c: CaseDetail): Promise<void> {
  const box = byId('case-photos');
  for (const u of photoUrls) URL.revokeObjectURL(u);
  photoUrls = [];
  let list: PhotoView[] = c.photos ?? [];
  if (!c.photos) list = await api.photos(c.id).catch(() => []);
  if (!list.length) {
    box.replaceChildren(el('p', { class: 'm-empty' }, t('case.noPhotos')));
    return;
  }
  const figures = list.map((p) => {
    const img = el('img', { alt: `${p.kind} #${p.id}`, 'data-photo-id': String(p.id), 'data-kind': p.kind });
    void api.photoBlob(p.thumbUrl || p.url).then(
      (blob) => {
        const url = URL.createObjectURL(blob);
        photoUrls.push(url);
        img.src = url;
        img.dataset.loaded = 'true';
      },
      () => undefined,
    );
    return el('figure', {}, img, el('figcaption', {}, `${p.kind === 'after' ? '处置后 after' : '处置前 before'} · ${clockTime(p.createdAt)}`));
  });
  box.replaceChildren(...figures);
}

async function takeAction(id: number, action: string): Promise<void> {
  if (action === 'handle') {
    const form = byId<HTMLFormElement>('handle-form');
    form.hidden = false;
    byId('handle-error').textContent = '';
    form.scrollIntoView({ block: 'start' });
    return;
  }
  const message = byId('case-message');
  message.textContent = '';
  for (const b of byId('case-actions').querySelectorAll('button')) b.disabled = true;
  try {
    const c = await api.transition(id, action);
    message.dataset.kind = 'ok';
    message.textContent = t('case.done', { action: actionName(action) });
    await loadCase(c?.id ?? id);
    void loadCases();
  } catch (e) {
    message.dataset.kind = 'error';
    message.textContent = t('case.actionFailed', { detail: describe(e) });
    for (const b of byId('case-actions').querySelectorAll('button')) b.disabled = false;
  }
}

/** A chosen photo shows as a preview, and its button says which file it is. */
function previewPhoto(input: HTMLInputElement, preview: HTMLImageElement): void {
  const show = (): void => {
    const file = input.files?.[0];
    const label = document.querySelector<HTMLElement>(`label[for='${input.id}']`);
    if (preview.src) URL.revokeObjectURL(preview.src);
    if (file) {
      preview.src = URL.createObjectURL(file);
      preview.hidden = false;
    } else {
      preview.removeAttribute('src');
      preview.hidden = true;
    }
    if (label) label.textContent = file ? t('handle.photoChosen', { name: file.name }) : t('handle.takePhoto');
  };
  input.addEventListener('change', show);
  input.form?.addEventListener('reset', () => window.setTimeout(show, 0));
}
const handlePhoto = byId<HTMLInputElement>('handle-photo');
previewPhoto(handlePhoto, byId<HTMLImageElement>('handle-preview'));
previewPhoto(byId<HTMLInputElement>('report-photo'), byId<HTMLImageElement>('report-preview'));
byId('handle-cancel').addEventListener('click', () => {
  byId<HTMLFormElement>('handle-form').hidden = true;
});
byId<HTMLFormElement>('handle-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const c = shownCase;
  if (!c) return;
  const submit = byId<HTMLButtonElement>('handle-submit');
  const error = byId('handle-error');
  error.textContent = '';
  submit.disabled = true;
  try {
    const file = handlePhoto.files?.[0];
    if (file) {
      submit.textContent = t('handle.uploading');
      await api.uploadPhoto(c.id, await forUpload(file), 'after');
    }
    submit.textContent = t('handle.sending');
    const note = byId<HTMLTextAreaElement>('handle-note').value.trim();
    await api.transition(c.id, 'handle', note || undefined);
    byId<HTMLFormElement>('handle-form').reset();
    byId<HTMLFormElement>('handle-form').hidden = true;
    const message = byId('case-message');
    await loadCase(c.id);
    message.dataset.kind = 'ok';
    message.textContent = t('case.done', { action: actionName('handle') });
    void loadCases();
  } catch (e) {
    error.textContent = t('case.actionFailed', { detail: describe(e) });
  } finally {
    submit.disabled = false;
    submit.textContent = t('handle.submit');
  }
});

// ---------- route ----------

let routeMap: RouteMap | null = null;
function closeRouteMap(): void {
  routeMap?.destroy();
  routeMap = null;
  delete body.dataset.routeDrawn;
}

async function showRoute(id: number): Promise<void> {
  const summary = byId('route-summary');
  byId('route-title').textContent = t('route.title', { id });
  summary.textContent = t('route.loading');
  delete body.dataset.routeDrawn;
  try {
    const c = shownCase?.id === id ? shownCase : await api.incident(id);
    shownCase = c;
    const [feature, mod] = await Promise.all([api.route(id, here ?? undefined), import('./routeMap')]);
    const p = feature.properties;
    summary.textContent =
      t('route.summary', { d: formatDistance(p.distanceM, lang), eta: formatEta(p.etaS, lang) }) + (p.byRoad ? '' : ` ${t('route.straight')}`);
    if (body.dataset.view !== 'route') return;
    closeRouteMap();
    routeMap = mod.createRouteMap(byId('route-map'), () => sessions.token());
    await routeMap.show({ route: feature, incident: { lon: c.lon, lat: c.lat }, here });
    body.dataset.routeDrawn = String(id);
  } catch (e) {
    summary.textContent = t('route.failed', { detail: describe(e) });
  }
}

// ---------- patrol report ----------

let categoriesLoaded = false;
/** Kept until the report goes through, so a retry after a dropped answer does not file it twice. */
let reportRequestId: string | null = null;

function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function renderPosition(): void {
  byId('report-position').textContent = here
    ? `${here.lon.toFixed(6)}, ${here.lat.toFixed(6)} (±${Math.round(here.accuracyM)} m)`
    : t('report.noPosition');
}

async function openReport(): Promise<void> {
  renderPosition();
  if (categoriesLoaded) return;
  const select = byId<HTMLSelectElement>('report-category');
  try {
    const list = (await api.categories()).filter((c) => c.active !== false);
    const groups = new Map<string, HTMLOptGroupElement>();
    select.replaceChildren(el('option', { value: '' }, t('report.pick')));
    for (const c of list) {
      const label = c.majorName || c.major;
      let group = groups.get(label);
      if (!group) {
        group = el('optgroup', { label });
        groups.set(label, group);
        select.append(group);
      }
      group.append(el('option', { value: c.code }, `${c.code} ${lang === 'en' && c.nameEn ? c.nameEn : c.name}`));
    }
    categoriesLoaded = true;
  } catch (e) {
    byId('report-result').textContent = describe(e);
  }
}

byId<HTMLFormElement>('report-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = byId('report-result');
  const category = byId<HTMLSelectElement>('report-category').value;
  result.dataset.kind = 'error';
  if (!category) {
    result.textContent = t('report.needCategory');
    return;
  }
  if (!here) {
    result.textContent = t('report.needPosition');
    return;
  }
  const submit = byId<HTMLButtonElement>('report-submit');
  submit.disabled = true;
  submit.textContent = t('report.sending');
  result.textContent = '';
  reportRequestId ??= uuid();
  try {
    const description = byId<HTMLTextAreaElement>('report-note').value.trim();
    const created = await api.report({
      clientRequestId: reportRequestId, category, lon: here.lon, lat: here.lat, ...(description ? { description } : {}),
    });
    reportRequestId = null;
    const file = byId<HTMLInputElement>('report-photo').files?.[0];
    let photoProblem = '';
    if (file) {
      try {
        await api.uploadPhoto(created.id, await forUpload(file), 'before');
      } catch (e) {
        // The case is filed either way; say so, and why the photo did not go.
        photoProblem = t('report.photoFailed', { detail: describe(e) });
      }
    }
    byId<HTMLFormElement>('report-form').reset();
    result.dataset.kind = photoProblem ? 'error' : 'ok';
    result.dataset.incidentId = String(created.id);
    result.textContent = t('report.done', { id: created.id, status: statusName(created.status) }) + (photoProblem ? ` ${photoProblem}` : '');
    void loadCases();
  } catch (e) {
    result.textContent = t('report.failed', { detail: describe(e) });
  } finally {
    submit.disabled = false;
    submit.textContent = t('report.submit');
  }
});

// ---------- work log ----------

async function loadWorklog(): Promise<void> {
  if (crewId === null) return;
  const box = byId('worklog');
  try {
    const log = await api.worklog(crewId, localDate(new Date()));
    const stat = (key: MobileKey, value: string, name: string): HTMLElement =>
      el('div', { class: 'm-stat', 'data-stat': name }, t(key), el('b', {}, value));
    const list = (items: typeof log.found) =>
      items.length
        ? el('ol', { class: 'm-history' }, ...items.map((i) => el('li', {}, `${clockTime(i.at)} #${i.incidentId} ${i.categoryName}${i.note ? ` · ${i.note}` : ''}`)))
        : el('p', { class: 'm-empty' }, t('log.none'));
    box.replaceChildren(
      el('h2', {}, `${t('log.title')} · ${log.date}`),
      el('div', { class: 'm-stats' },
        stat('log.found', String(log.found.length), 'found'),
        stat('log.handled', String(log.handled.length), 'handled'),
        stat('log.distance', formatDistance(log.patrolDistanceM ?? 0, lang), 'distance'),
        stat('log.points', String(log.points ?? 0), 'points'),
        stat('log.monthPoints', String(log.monthPoints ?? 0), 'monthPoints'),
      ),
      el('h3', {}, t('log.found')), list(log.found),
      el('h3', {}, t('log.handled')), list(log.handled),
    );
    body.dataset.worklogLoaded = 'true';
  } catch (e) {
    box.replaceChildren(el('p', { class: 'm-error' }, t('log.failed', { detail: describe(e) })));
  }
}

// ---------- start ----------

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw-m.js', { scope: '/m/' }).catch(() => undefined);
  });
}

applyLanguage();
const stored = sessions.load();
if (stored) void start(stored);
else showView('login');
