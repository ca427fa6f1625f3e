/**
 * The community worker's page (/community/, roles community and admin): 受理登记, 待派单, 订单, 成员, 议事, 积分.
 * Resident and member text is always set as text (el() makes text nodes), never parsed as HTML.
 */
import { ApiError } from '../api';
import { msUntilExpiry, sessionFromToken, SessionStore, type Session } from '../auth';
import { LANG_KEY, format, type Lang } from '../i18n';
import { formatShanghai } from '../incidents';
import { connectOrdersHub, type OrdersHub, type OrdersHubState } from '../ordersHub';
import { formatCountdown, secondsLeft } from '../mobile/format';
import { browserStorage } from '../ready';
import { byId, el } from '../ui/dom';
import type { ReportMap } from '../report/map';
import {
  createCommunityApi, MEMBER_KINDS, PARTIES,
  type CaseRow, type CategoryView, type MeetingView, type MemberKind, type MemberView, type OrderView, type Party, type StationFeature,
} from './api';
import { casesToOrder, issueLines, memberBody, missingParties, pointsFileName, shanghaiMonth, sortOrders } from './logic';
import { en, zh, type CommunityKey } from './strings';
import './community.css';

type Tab = 'intake' | 'cases' | 'orders' | 'members' | 'meetings' | 'points';
const TABS: readonly Tab[] = ['intake', 'cases', 'orders', 'members', 'meetings', 'points'];

const local = browserStorage('localStorage');
let lang: Lang = local.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
const t = (key: CommunityKey, params?: Record<string, string | number>): string => format((lang === 'en' ? en : zh)[key] ?? zh[key], params);
const has = (key: string): key is CommunityKey => key in zh;
const statusName = (s: string): string => (has(`status.${s}`) ? t(`status.${s}` as CommunityKey) : s);
const kindName = (k: string): string => (has(`kind.${k}`) ? t(`kind.${k}` as CommunityKey) : k);
const partyName = (p: string): string => (has(`party.${p}`) ? t(`party.${p}` as CommunityKey) : p);

const sessions = new SessionStore(browserStorage('sessionStorage'));
const body = document.body;
const api = createCommunityApi({ getToken: () => sessions.token(), onUnauthorized: () => signOut('login.expired') });

let session: Session | null = null;
let communities: string[] = [];
let community: string | undefined;
let station: StationFeature | null = null;
let categories: CategoryView[] = [];
let orders: OrderView[] = [];
let hub: OrdersHub | null = null;
let tab: Tab = 'intake';
let expiryTimer: number | undefined;

function describe(error: unknown): string {
  if (error instanceof ApiError) return error.isNetwork ? t('error.network') : error.detail || error.title || `HTTP ${error.status}`;
  return error instanceof Error ? error.message : String(error);
}

function message(text: string, kind: 'ok' | 'error' = 'ok'): void {
  const node = byId('page-message');
  node.textContent = text;
  node.dataset.kind = kind;
}

const categoryName = (code: string, fallback?: string | null): string => {
  const c = categories.find((x) => x.code === code);
  return c ? (lang === 'en' && c.nameEn ? c.nameEn : c.name) : fallback || code;
};

function categorySelect(id: string): HTMLSelectElement {
  const select = el('select', { id, required: true });
  select.append(el('option', { value: '' }, t('intake.pick')));
  const groups = new Map<string, HTMLOptGroupElement>();
  for (const c of categories.filter((x) => x.active !== false)) {
    const label = c.majorName || c.major;
    let group = groups.get(label);
    if (!group) {
      group = el('optgroup', { label });
      groups.set(label, group);
      select.append(group);
    }
    group.append(el('option', { value: c.code }, `${c.code} ${lang === 'en' && c.nameEn ? c.nameEn : c.name}`));
  }
  return select;
}

function stationPoint(): { lon: number; lat: number } | null {
  return station ? { lon: station.geometry.coordinates[0], lat: station.geometry.coordinates[1] } : null;
}

function table(id: string, heads: CommunityKey[], rows: HTMLElement[], empty: CommunityKey): HTMLElement {
  if (!rows.length) return el('p', { class: 'c-empty', id }, t(empty));
  return el('div', { class: 'c-table-wrap' },
    el('table', { class: 'c-table', id }, el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', {}, t(h))))), el('tbody', {}, ...rows)));
}

// ---------- language ----------

function applyLanguage(): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = `${t('app.title')} · GridGov`;
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n]')) node.textContent = t(node.dataset.i18n as CommunityKey);
  renderHub();
  if (session) showTab(tab, true);
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

let hubState: OrdersHubState | null = null;
function renderHub(): void {
  const node = byId('hub-state');
  node.hidden = !hubState;
  if (!hubState) return;
  node.dataset.state = hubState;
  node.textContent = t(`hub.${hubState}` as CommunityKey);
}

// ---------- sign-in ----------

byId<HTMLFormElement>('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn();
});

async function signIn(): Promise<void> {
  const username = byId<HTMLInputElement>('login-username').value.trim();
  const password = byId<HTMLInputElement>('login-password').value;
  const error = byId('login-error');
  const other = byId('login-other');
  const submit = byId<HTMLButtonElement>('login-submit');
  error.textContent = '';
  other.hidden = true;
  submit.disabled = true;
  submit.textContent = t('login.busy');
  try {
    const token = await api.login(username, password);
    const roles = (token.roles ?? []).map((r) => r.toLowerCase());
    if (!roles.includes('community') && !roles.includes('admin')) {
      other.querySelector('span')!.textContent = t('login.other', { roles: roles.join(', ') || '-' });
      other.hidden = false;
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

async function start(s: Session): Promise<void> {
  session = s;
  window.clearTimeout(expiryTimer);
  expiryTimer = window.setTimeout(() => signOut('login.expired'), Math.max(0, Math.min(msUntilExpiry(s, Date.now()), 2 ** 31 - 1)));
  byId('login-view').hidden = true;
  byId('work-view').hidden = false;
  byId('logout-button').hidden = false;
  body.dataset.view = 'work';
  try {
    const [me, cats, stations] = await Promise.all([api.me(), api.categories(), api.stations()]);
    communities = me.communities ?? [];
    community = communities[0];
    categories = cats;
    station = stations.features.find((f) => f.properties.community === community) ?? null;
    byId('status-user').textContent = me.username;
    byId('c-community').textContent = station?.properties.communityName ?? community ?? '';
    hub = connectOrdersHub({
      getToken: () => sessions.token(),
      opened: (o) => orderArrived(o),
      changed: (o) => orderArrived(o),
      state: (state) => {
        hubState = state;
        body.dataset.ordersHub = state;
        renderHub();
      },
      resync: () => void refreshOrders(),
      refused: () => signOut('login.expired'),
    });
    showTab(tabFromHash());
    body.dataset.communityReady = 'true';
  } catch (e) {
    message(describe(e), 'error');
  }
}

function signOut(reason?: CommunityKey): void {
  session = null;
  sessions.clear();
  window.clearTimeout(expiryTimer);
  void hub?.stop();
  hub = null;
  hubState = null;
  renderHub();
  intakeMap?.map.remove();
  intakeMap = null;
  for (const name of TABS) byId(`tab-${name}`).replaceChildren();
  delete body.dataset.communityReady;
  delete body.dataset.intakeMap;
  body.dataset.view = 'login';
  byId('work-view').hidden = true;
  byId('login-view').hidden = false;
  byId('logout-button').hidden = true;
  byId('status-user').textContent = '';
  byId('c-community').textContent = '';
  byId('login-error').textContent = reason ? t(reason) : '';
}
byId('logout-button').addEventListener('click', () => signOut());

// ---------- tabs ----------

function tabFromHash(): Tab {
  const name = location.hash.replace(/^#/, '') as Tab;
  return TABS.includes(name) ? name : 'intake';
}

function showTab(next: Tab, redraw = false): void {
  const changed = next !== tab || redraw || !byId(`tab-${next}`).childElementCount;
  tab = next;
  for (const name of TABS) byId(`tab-${name}`).hidden = name !== next;
  for (const b of document.querySelectorAll<HTMLButtonElement>('button.c-tab'))
    b.setAttribute('aria-selected', String(b.dataset.tab === next));
  body.dataset.tab = next;
  if (!changed && next === 'intake') return;
  if (next === 'intake') renderIntake();
  if (next === 'cases') void renderCases();
  if (next === 'orders') void renderOrders();
  if (next === 'members') void renderMembers();
  if (next === 'meetings') void renderMeetings();
  if (next === 'points') void renderPoints();
}
for (const b of document.querySelectorAll<HTMLButtonElement>('button.c-tab'))
  b.addEventListener('click', () => {
    message('');
    if (location.hash === `#${b.dataset.tab}`) showTab(b.dataset.tab as Tab, true);
    else location.hash = b.dataset.tab ?? 'intake';
  });
window.addEventListener('hashchange', () => session && showTab(tabFromHash(), true));

// ---------- 受理登记 ----------

let intakeMap: ReportMap | null = null;
let pin: { lon: number; lat: number } | null = null;
let requestId: string | null = null;

function renderIntake(): void {
  const panel = byId('tab-intake');
  const select = categorySelect('intake-category');
  const where = el('p', { id: 'intake-where', class: 'c-muted' }, pin ? `${pin.lon.toFixed(6)}, ${pin.lat.toFixed(6)}` : t('intake.noLocation'));
  const mapBox = el('div', { id: 'intake-map', class: 'c-map' });
  const useStation = el('button', { class: 'c-btn', type: 'button', id: 'intake-station' }, t('intake.useStation'));
  const description = el('textarea', { id: 'intake-description', rows: '4', placeholder: t('intake.descriptionPlaceholder') });
  const phone = el('input', { id: 'intake-phone', type: 'tel', autocomplete: 'off' });
  const result = el('p', { id: 'intake-result', class: 'c-result', role: 'status' });
  const submit = el('button', { class: 'c-btn c-btn-primary', type: 'submit', id: 'intake-submit' }, t('intake.submit'));
  const form = el('form', { class: 'c-card c-form c-intake', novalidate: true },
    el('h2', {}, t('intake.title')),
    el('div', { class: 'c-intake-grid' },
      el('div', { class: 'c-fields' },
        el('label', { for: select.id }, t('intake.category')), select,
        el('label', { for: description.id }, t('intake.description')), description,
        el('label', { for: phone.id }, t('intake.phone')), phone),
      el('div', { class: 'c-where' }, el('span', { class: 'c-label' }, t('intake.location')), mapBox, el('div', { class: 'c-row' }, useStation, where)),
    ),
    // Below both columns: on a tablet held upright the location comes before the button.
    result, el('div', { class: 'c-row c-submit' }, submit),
  );
  panel.replaceChildren(form, station ? stationCard(station) : '');
  const setPin = (lon: number, lat: number, fly = false): void => {
    pin = { lon, lat };
    where.textContent = `${lon.toFixed(6)}, ${lat.toFixed(6)}`;
    intakeMap?.setPin(lon, lat, fly);
  };
  intakeMap?.map.remove();
  intakeMap = null;
  delete body.dataset.intakeMap;
  void import('../report/map').then((mod) => {
    if (!mapBox.isConnected) return;
    intakeMap = mod.createReportMap(mapBox, (lon, lat) => setPin(lon, lat), t('intake.location'));
    void intakeMap.map.once('idle').then(() => (body.dataset.intakeMap = 'idle'));
    const home = pin ?? stationPoint();
    if (home) intakeMap.map.jumpTo({ center: [home.lon, home.lat], zoom: 16 });
    if (pin) intakeMap.setPin(pin.lon, pin.lat);
  });
  useStation.addEventListener('click', () => {
    const p = stationPoint();
    if (p) setPin(p.lon, p.lat, true);
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    result.dataset.kind = 'error';
    if (!select.value) return void (result.textContent = t('intake.needCategory'));
    if (!pin) return void (result.textContent = t('intake.needLocation'));
    submit.disabled = true;
    submit.textContent = t('intake.sending');
    result.textContent = '';
    requestId ??= crypto.randomUUID();
    try {
      const text = description.value.trim();
      const tel = phone.value.trim();
      const created = await api.record({ clientRequestId: requestId, category: select.value, lon: pin.lon, lat: pin.lat, ...(text ? { description: text } : {}), ...(tel ? { phone: tel } : {}) });
      requestId = null;
      form.reset();
      result.dataset.kind = 'ok';
      result.dataset.incidentId = String(created.id);
      const go = el('a', { href: '#cases', class: 'c-link' }, t('intake.toCases'));
      result.replaceChildren(t('intake.done', { id: created.id, status: statusName(created.status) }), ' ', go);
    } catch (e) {
      result.textContent = t('common.failed', { detail: describe(e) });
    } finally {
      submit.disabled = false;
      submit.textContent = t('intake.submit');
    }
  });
}

function stationCard(s: StationFeature): HTMLElement {
  const p = s.properties;
  return el('aside', { class: 'c-card c-station' },
    el('h3', {}, p.name),
    el('p', {}, p.address), el('p', { class: 'c-muted' }, p.hours),
    p.phone ? el('p', {}, p.phone) : null,
    p.staff?.length ? el('p', { class: 'c-muted' }, p.staff.join('、')) : null);
}

// ---------- 待派单 ----------

async function renderCases(): Promise<void> {
  const panel = byId('tab-cases');
  delete body.dataset.casesLoaded;
  const within = el('input', { id: 'cases-within', type: 'number', min: '1', max: '1440', inputmode: 'numeric' });
  const head = el('div', { class: 'c-head' }, el('h2', {}, t('cases.title')),
    el('label', { class: 'c-inline', for: within.id }, t('cases.within'), within),
    refreshButton(() => void renderCases()));
  if (!panel.childElementCount) panel.replaceChildren(head, el('p', { class: 'c-muted' }, t('common.loading')));
  try {
    const [page, active] = await Promise.all([api.cases(), api.orders('open,taken,done', community)]);
    const rows = casesToOrder(page.items ?? [], active).map((c) => caseRow(c, within));
    panel.replaceChildren(head, el('p', { class: 'c-muted' }, t('cases.hint')),
      table('cases-table', ['cases.id', 'cases.category', 'cases.status', 'cases.reportedAt', 'cases.description', 'cases.actions'], rows, 'cases.none'));
    body.dataset.casesLoaded = 'true';
  } catch (e) {
    panel.replaceChildren(head, el('p', { class: 'c-error' }, describe(e)));
  }
}

function caseRow(c: CaseRow, within: HTMLInputElement): HTMLElement {
  const toPool = el('button', { class: 'c-btn c-btn-primary', type: 'button', 'data-action': 'pool' }, t('cases.toPool'));
  const toTeam = el('button', { class: 'c-btn', type: 'button', 'data-action': 'team' }, t('cases.toTeam'));
  const row = el('tr', { 'data-case-id': String(c.id) },
    el('td', {}, `#${c.id}`), el('td', {}, categoryName(c.category, c.categoryName)),
    el('td', {}, el('span', { class: 'c-status', 'data-status': c.status }, statusName(c.status))),
    el('td', {}, formatShanghai(c.reportedAt)),
    el('td', { class: 'c-text' }, c.description ?? ''),
    el('td', { class: 'c-actions' }, toPool, toTeam));
  const go = async (to: 'pool' | 'team'): Promise<void> => {
    toPool.disabled = toTeam.disabled = true;
    try {
      const minutes = Number(within.value);
      const answer = await api.order(c.id, { to, ...(community ? { community } : {}), ...(to === 'pool' && minutes > 0 ? { takeWithinMinutes: minutes } : {}) });
      message(to === 'pool' ? t('cases.ordered', { id: c.id, order: (answer as OrderView).id }) : t('cases.handed', { id: c.id }));
      row.remove();
    } catch (e) {
      message(t('common.failed', { detail: describe(e) }), 'error');
      toPool.disabled = toTeam.disabled = false;
    }
  };
  toPool.addEventListener('click', () => void go('pool'));
  toTeam.addEventListener('click', () => void go('team'));
  return row;
}

function refreshButton(onClick: () => void): HTMLElement {
  const b = el('button', { class: 'c-chip', type: 'button' }, t('common.refresh'));
  b.addEventListener('click', onClick);
  return b;
}

// ---------- 订单 ----------

let ordersTimer: number | undefined;
function orderArrived(o: OrderView): void {
  const i = orders.findIndex((x) => x.id === o.id);
  if (i >= 0) orders[i] = { ...orders[i], ...o };
  else orders.push(o);
  if (tab === 'orders') drawOrders();
  // A new order leaves 待派单; a withdrawn one may come back there.
  window.clearTimeout(ordersTimer);
  if (tab === 'cases') ordersTimer = window.setTimeout(() => void renderCases(), 400);
}

async function refreshOrders(): Promise<void> {
  orders = await api.orders('open,taken,done,scored,escalated', community);
  if (tab === 'orders') drawOrders();
}

async function renderOrders(): Promise<void> {
  const panel = byId('tab-orders');
  delete body.dataset.ordersLoaded;
  try {
    await refreshOrders();
    body.dataset.ordersLoaded = 'true';
  } catch (e) {
    panel.replaceChildren(el('p', { class: 'c-error' }, describe(e)));
  }
}

function drawOrders(): void {
  const panel = byId('tab-orders');
  const rows = sortOrders(orders).map(orderRow);
  panel.replaceChildren(
    el('div', { class: 'c-head' }, el('h2', {}, t('orders.title')), refreshButton(() => void renderOrders())),
    table('orders-table', ['orders.id', 'orders.case', 'orders.category', 'orders.status', 'orders.taker', 'orders.skill', 'orders.left', 'orders.done', 'orders.score'], rows, 'orders.none'),
  );
}

function orderRow(o: OrderView): HTMLElement {
  const left = o.status === 'open' && o.escalateAt ? secondsLeft(o.escalateAt, Date.now()) : null;
  const score = el('td', { class: 'c-score' });
  if (o.status === 'done') {
    const group = el('div', { class: 'c-stars', role: 'group', 'aria-label': t('orders.score') });
    for (let n = 1; n <= 5; n++) {
      const b = el('button', { class: 'c-star', type: 'button', 'data-score': String(n), title: t('orders.scoreTitle', { n }), 'aria-label': t('orders.scoreTitle', { n }) }, String(n));
      b.addEventListener('click', async () => {
        for (const x of group.querySelectorAll('button')) x.disabled = true;
        try {
          const scored = await api.score(o.id, n);
          orderArrived(scored);
          message(t('orders.scored', { id: o.id, score: n }));
        } catch (e) {
          message(t('common.failed', { detail: describe(e) }), 'error');
          for (const x of group.querySelectorAll('button')) x.disabled = false;
        }
      });
      group.append(b);
    }
    score.append(group);
  } else if (o.score != null) score.append(`${o.score} · ${o.points ?? 0}`);
  return el('tr', { 'data-order-id': String(o.id), 'data-status': o.status },
    el('td', {}, `#${o.id}`), el('td', {}, `#${o.incidentId}`),
    el('td', {}, categoryName(o.category, o.categoryName), o.description ? el('div', { class: 'c-text c-muted' }, o.description) : null),
    el('td', {}, el('span', { class: 'c-status', 'data-status': o.status }, statusName(o.status))),
    el('td', {}, o.memberName ?? ''),
    el('td', {}, o.memberId == null ? '' : o.skillMatch === false ? el('span', { class: 'c-flag' }, t('orders.noSkill')) : t('orders.skillOk')),
    el('td', { class: left === 0 ? 'c-overdue' : '', 'data-escalate-at': left !== null ? o.escalateAt : null }, left === null ? '' : left > 0 ? formatCountdown(left) : t('orders.overdue')),
    el('td', { class: 'c-text' }, o.doneNote ?? ''),
    score);
}
window.setInterval(() => {
  for (const cell of document.querySelectorAll<HTMLElement>('#orders-table td[data-escalate-at]')) {
    const left = secondsLeft(cell.dataset.escalateAt!, Date.now());
    cell.textContent = left > 0 ? formatCountdown(left) : t('orders.overdue');
    cell.classList.toggle('c-overdue', left <= 0);
  }
}, 1000);

// ---------- 成员 ----------

/** A skill as the worker reads it: a 2-digit major by its major's name, a category by its name (the code beside). */
function skillName(code: string): string {
  if (code.length === 2) {
    const c = categories.find((x) => x.major === code);
    return c?.majorName ? `${c.majorName}` : code;
  }
  return categoryName(code);
}

async function renderMembers(): Promise<void> {
  const panel = byId('tab-members');
  delete body.dataset.membersLoaded;
  try {
    const members = await api.members(community);
    const add = el('button', { class: 'c-btn c-btn-primary', type: 'button', id: 'member-add' }, t('members.add'));
    const formBox = el('div', { id: 'member-form-box' });
    add.addEventListener('click', () => formBox.replaceChildren(memberForm(null, formBox)));
    const rows = members.map((m) => {
      const edit = el('button', { class: 'c-btn', type: 'button', 'data-action': 'edit' }, t('common.edit'));
      edit.addEventListener('click', () => {
        formBox.replaceChildren(memberForm(m, formBox));
        formBox.scrollIntoView({ block: 'nearest' });
      });
      return el('tr', { 'data-member-id': String(m.id) },
        el('td', {}, m.name), el('td', {}, kindName(m.kind)), el('td', {}, m.phone ?? ''),
        el('td', {}, m.skills.map(skillName).join('、')),
        el('td', {}, el('span', { class: 'c-avail', 'data-available': String(m.available) }, m.available ? t('members.yes') : t('members.no'))),
        el('td', {}, m.username ?? ''), el('td', {}, edit));
    });
    panel.replaceChildren(
      el('div', { class: 'c-head' }, el('h2', {}, t('members.title')), add, refreshButton(() => void renderMembers())),
      formBox,
      table('members-table', ['members.name', 'members.kind', 'members.phone', 'members.skillsShort', 'members.available', 'members.username', 'cases.actions'], rows, 'common.none'),
    );
    body.dataset.membersLoaded = 'true';
  } catch (e) {
    panel.replaceChildren(el('p', { class: 'c-error' }, describe(e)));
  }
}

function memberForm(m: MemberView | null, box: HTMLElement): HTMLElement {
  const name = el('input', { id: 'member-name', type: 'text', value: m?.name ?? '', required: true });
  const kind = el('select', { id: 'member-kind' }, ...MEMBER_KINDS.map((k) => el('option', { value: k, selected: m?.kind === k }, kindName(k))));
  const phone = el('input', { id: 'member-phone', type: 'tel', value: m?.phone ?? '' });
  const skills = el('input', { id: 'member-skills', type: 'text', value: m?.skills.join(', ') ?? '' });
  const available = el('input', { id: 'member-available', type: 'checkbox', checked: m ? m.available : true });
  const error = el('p', { class: 'c-error', role: 'alert' });
  const save = el('button', { class: 'c-btn c-btn-primary', type: 'submit' }, t('common.save'));
  const cancel = el('button', { class: 'c-btn', type: 'button' }, t('common.cancel'));
  cancel.addEventListener('click', () => box.replaceChildren());
  const form = el('form', { class: 'c-card c-form c-member-form', novalidate: true, 'data-member-id': m ? String(m.id) : null },
    el('h3', {}, m ? t('members.edit') : t('members.add')),
    el('div', { class: 'c-grid2' },
      el('label', { for: name.id }, t('members.name')), name,
      el('label', { for: kind.id }, t('members.kind')), kind,
      el('label', { for: phone.id }, t('members.phone')), phone,
      el('label', { for: skills.id }, t('members.skills')), skills,
      el('label', { for: available.id }, t('members.available')), el('span', {}, available)),
    error, el('div', { class: 'c-row' }, cancel, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    save.disabled = true;
    try {
      const request = memberBody({ name: name.value, kind: kind.value as MemberKind, phone: phone.value, skills: skills.value, available: available.checked,
        communities: m?.communities.length ? m.communities : communities });
      const saved = m ? await api.putMember(m.id, request) : await api.addMember(request);
      message(t('members.saved', { name: saved.name }));
      await renderMembers();
    } catch (e) {
      error.textContent = describe(e);
      save.disabled = false;
    }
  });
  return form;
}

// ---------- 议事 ----------

async function renderMeetings(): Promise<void> {
  const panel = byId('tab-meetings');
  delete body.dataset.meetingsLoaded;
  try {
    const list = await api.meetings(community);
    const formBox = el('div', { id: 'meeting-form-box' });
    const detail = el('div', { id: 'meeting-detail' });
    const add = el('button', { class: 'c-btn c-btn-primary', type: 'button', id: 'meeting-new' }, t('meetings.new'));
    add.addEventListener('click', () => formBox.replaceChildren(meetingForm(formBox)));
    const rows = list.map((m) => {
      const open = el('button', { class: 'c-btn', type: 'button', 'data-action': 'open' }, t('meetings.open'));
      open.addEventListener('click', () => void showMeeting(m.id, detail));
      return el('tr', { 'data-meeting-id': String(m.id) },
        el('td', {}, m.heldOn), el('td', { class: 'c-text' }, m.topic), el('td', {}, m.place ?? ''),
        el('td', {}, String(m.attendees.length)), el('td', {}, String(m.issues.length)), el('td', {}, open));
    });
    panel.replaceChildren(
      el('div', { class: 'c-head' }, el('h2', {}, t('meetings.title')), add, refreshButton(() => void renderMeetings())),
      formBox, detail,
      table('meetings-table', ['meetings.heldOn', 'meetings.topic', 'meetings.place', 'meetings.attendeesShort', 'meetings.issuesShort', 'cases.actions'], rows, 'meetings.none'),
    );
    body.dataset.meetingsLoaded = 'true';
  } catch (e) {
    panel.replaceChildren(el('p', { class: 'c-error' }, describe(e)));
  }
}

function meetingForm(box: HTMLElement): HTMLElement {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const heldOn = el('input', { id: 'meeting-heldOn', type: 'date', value: today, required: true });
  const place = el('input', { id: 'meeting-place', type: 'text', value: station?.properties.name ?? '' });
  const topic = el('input', { id: 'meeting-topic', type: 'text', required: true });
  const people = el('div', { class: 'c-attendees', id: 'meeting-attendees' });
  const addPerson = (party: Party): void => {
    const name = el('input', { type: 'text', placeholder: t('meetings.attendeeName'), 'aria-label': t('meetings.attendeeName') });
    const select = el('select', { 'aria-label': t('meetings.attendees') }, ...PARTIES.map((p) => el('option', { value: p, selected: p === party }, partyName(p))));
    people.append(el('div', { class: 'c-row c-attendee' }, select, name));
  };
  for (const p of PARTIES) addPerson(p);
  const more = el('button', { class: 'c-btn', type: 'button' }, t('meetings.addAttendee'));
  more.addEventListener('click', () => addPerson('resident'));
  const issues = el('textarea', { id: 'meeting-issues', rows: '4' });
  const decisions = el('textarea', { id: 'meeting-decisions', rows: '3' });
  const error = el('p', { class: 'c-error', role: 'alert' });
  const save = el('button', { class: 'c-btn c-btn-primary', type: 'submit' }, t('meetings.save'));
  const cancel = el('button', { class: 'c-btn', type: 'button' }, t('common.cancel'));
  cancel.addEventListener('click', () => box.replaceChildren());
  const form = el('form', { class: 'c-card c-form', novalidate: true },
    el('h3', {}, t('meetings.new')),
    el('div', { class: 'c-grid2' },
      el('label', { for: heldOn.id }, t('meetings.heldOn')), heldOn,
      el('label', { for: place.id }, t('meetings.place')), place,
      el('label', { for: topic.id }, t('meetings.topic')), topic),
    el('span', { class: 'c-label' }, t('meetings.attendees')), people, more,
    el('label', { for: issues.id }, t('meetings.issues')), issues,
    el('label', { for: decisions.id }, t('meetings.decisions')), decisions,
    error, el('div', { class: 'c-row' }, cancel, save));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const attendees = [...people.querySelectorAll('.c-attendee')].map((row) => ({
      party: row.querySelector('select')!.value as Party, name: row.querySelector('input')!.value.trim(),
    })).filter((a) => a.name);
    const missing = missingParties(attendees);
    if (missing.length) return void (error.textContent = t('meetings.needParties', { missing: missing.map(partyName).join('、') }));
    save.disabled = true;
    try {
      const text = decisions.value.trim();
      await api.addMeeting({ community: community ?? '', heldOn: heldOn.value, ...(place.value.trim() ? { place: place.value.trim() } : {}), topic: topic.value.trim(),
        attendees, issues: issueLines(issues.value), ...(text ? { decisions: text } : {}) });
      message(t('meetings.saved'));
      await renderMeetings();
    } catch (e) {
      error.textContent = describe(e);
      save.disabled = false;
    }
  });
  return form;
}

async function showMeeting(id: number, box: HTMLElement): Promise<void> {
  try {
    const m = await api.meeting(id);
    box.replaceChildren(meetingCard(m, box));
    box.scrollIntoView({ block: 'nearest' });
  } catch (e) {
    message(describe(e), 'error');
  }
}

function meetingCard(m: MeetingView, box: HTMLElement): HTMLElement {
  const issues = m.issues.map((issue, i) => {
    const li = el('li', { 'data-issue': String(i + 1) }, el('span', { class: 'c-text' }, issue.text), ' ');
    if (issue.incidentId) li.append(el('span', { class: 'c-muted' }, t('meetings.raisedTo', { id: issue.incidentId })));
    else {
      const as = el('select', { 'aria-label': t('meetings.raise') }, el('option', { value: 'order' }, t('meetings.asOrder')), el('option', { value: 'case' }, t('meetings.asCase')));
      const category = categorySelect(`issue-category-${m.id}-${i + 1}`);
      const go = el('button', { class: 'c-btn c-btn-primary', type: 'button', 'data-action': 'raise' }, t('meetings.raise'));
      go.addEventListener('click', async () => {
        const p = stationPoint();
        if (!category.value || !p) return void message(t('intake.needCategory'), 'error');
        go.disabled = true;
        try {
          const answer = await api.raise(m.id, i + 1, { as: as.value as 'order' | 'case', category: category.value, lon: p.lon, lat: p.lat });
          message(answer.order ? t('meetings.raisedOrder', { id: answer.incidentId, order: answer.order.id }) : t('meetings.raised', { id: answer.incidentId }));
          box.replaceChildren(meetingCard(answer.meeting, box));
        } catch (e) {
          message(t('common.failed', { detail: describe(e) }), 'error');
          go.disabled = false;
        }
      });
      li.append(el('span', { class: 'c-row c-raise' }, t('meetings.raise'), as, category, go));
    }
    return li;
  });
  return el('article', { class: 'c-card c-meeting', 'data-meeting-id': String(m.id) },
    el('h3', {}, `${m.heldOn} · ${m.topic}`),
    m.place ? el('p', { class: 'c-muted' }, m.place) : null,
    el('p', {}, m.attendees.map((a) => `${partyName(a.party)}：${a.name}`).join('；')),
    el('ol', { class: 'c-issues' }, ...issues),
    m.decisions ? el('p', { class: 'c-text' }, `${t('meetings.decisions')}：${m.decisions}`) : null);
}

// ---------- 积分 ----------

let pointsMonth = shanghaiMonth(new Date());

async function renderPoints(): Promise<void> {
  const panel = byId('tab-points');
  delete body.dataset.pointsLoaded;
  const month = el('input', { id: 'points-month', type: 'month', value: pointsMonth });
  month.addEventListener('change', () => {
    if (month.value) pointsMonth = month.value;
    void renderPoints();
  });
  const csv = el('button', { class: 'c-btn', type: 'button', id: 'points-csv' }, t('points.csv'));
  const print = el('button', { class: 'c-btn', type: 'button', id: 'points-print' }, t('points.print'));
  csv.addEventListener('click', async () => {
    try {
      const blob = await api.monthlyFile(pointsMonth, 'csv', community);
      const url = URL.createObjectURL(blob);
      const a = el('a', { href: url, download: pointsFileName(pointsMonth, community, 'csv') });
      document.body.append(a);
      a.click();
      a.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      message(t('common.failed', { detail: describe(e) }), 'error');
    }
  });
  print.addEventListener('click', async () => {
    // Opened now, while the click still counts (a window opened after the fetch would be blocked).
    const win = window.open('', '_blank');
    try {
      const blob = await api.monthlyFile(pointsMonth, 'html', community);
      const url = URL.createObjectURL(new Blob([await blob.text()], { type: 'text/html;charset=utf-8' }));
      if (win) win.location.href = url;
      else window.location.href = url;
    } catch (e) {
      win?.close();
      message(t('common.failed', { detail: describe(e) }), 'error');
    }
  });
  const head = el('div', { class: 'c-head' }, el('h2', {}, t('points.title', { month: pointsMonth })),
    el('label', { class: 'c-inline', for: month.id }, t('points.month'), month), csv, print);
  try {
    const board = await api.monthly(pointsMonth, community);
    const rows = board.members.map((m) => el('tr', { 'data-member-id': String(m.memberId) },
      el('td', {}, String(m.rank)), el('td', {}, m.name), el('td', {}, kindName(m.kind)), el('td', {}, String(m.orders)),
      el('td', {}, m.averageScore != null ? m.averageScore.toFixed(2) : '-'), el('td', { class: 'c-points' }, String(m.points))));
    panel.replaceChildren(head,
      table('points-table', ['points.rank', 'points.name', 'points.kind', 'points.orders', 'points.average', 'points.points'], rows, 'points.none'),
      el('p', { class: 'c-muted' }, t('points.total', { orders: board.totalOrders, points: board.totalPoints })));
    body.dataset.pointsLoaded = 'true';
  } catch (e) {
    panel.replaceChildren(head, el('p', { class: 'c-error' }, describe(e)));
  }
}

// ---------- start ----------

applyLanguage();
const stored = sessions.load();
if (stored && stored.roles.some((r) => ['community', 'admin'].includes(r.toLowerCase()))) void start(stored);
