/**
 * The community member's screens of the phone app (role member, not a crew): 订单 (open orders of their communities,
 * nearest first, live over /hubs/orders, 接单), 我的 (their taken orders with 完成: note and photo; their finished ones
 * with score and points), 积分 (this month's leaderboard of their community) and the availability toggle.
 */
import { ApiError } from '../api';
import { connectOrdersHub, type OrdersHub, type OrdersHubState } from '../ordersHub';
import { byId, el } from '../ui/dom';
import type { MeWithDuty, MobileApi } from './api';
import { clockTime, formatCountdown, formatDistance, secondsLeft, type Lang } from './format';
import { applyOrder, distanceOf, myActive, myFinished, openOrders, type OrderView, type Point } from './orders';
import type { MobileKey } from './strings';

export type MemberTab = 'orders' | 'mine' | 'points';

export interface MemberDeps {
  api: MobileApi;
  t(key: MobileKey, params?: Record<string, string | number>): string;
  lang(): Lang;
  describe(error: unknown): string;
  getToken(): string | null;
  hubState(state: OrdersHubState | null): void;
  refused(): void;
  forUpload(file: Blob): Promise<Blob>;
}

export interface MemberApp {
  start(me: MeWithDuty): Promise<void>;
  stop(): void;
  showTab(tab: MemberTab): void;
  render(): void;
  /** The orders held now (for the tests' hooks). */
  orders(): OrderView[];
}

export function createMemberApp(deps: MemberDeps): MemberApp {
  const { api, t, describe } = deps;
  const body = document.body;
  let me: MeWithDuty | null = null;
  let memberId: number | null = null;
  let available = true;
  let list: OrderView[] = [];
  let here: Point | null = null;
  let station: { name: string; point: Point } | null = null;
  let hub: OrdersHub | null = null;
  let watchId: number | null = null;
  let tab: MemberTab = 'orders';
  let generation = 0;
  /** Hub messages that came while a list was being read: applied again over the fresh list. */
  let pending: OrderView[] | null = null;
  /** Per order: a problem the server gave on this card (409 taken by someone else…), or the take in flight. */
  const problems = new Map<number, string>();
  /** The HTTP status behind a card's problem (409 taken by someone else, 404, 403). */
  const problemStatus = new Map<number, number>();
  const busy = new Set<number>();
  /** The done form open for this order. */
  let doneOpen: number | null = null;

  const statusName = (s: string): string => (`status.${s}` in statusKeys ? t(`status.${s}` as MobileKey) : s);
  const statusKeys: Record<string, true> = { 'status.open': true, 'status.taken': true, 'status.done': true, 'status.scored': true, 'status.escalated': true, 'status.withdrawn': true };
  const categoryOf = (o: OrderView): string => o.categoryName || o.category;

  function apply(order: OrderView): void {
    list = applyOrder(list, order, memberId);
    pending?.push(order);
    if (order.status !== 'open' && order.memberId !== memberId && !goneCards.has(order.id)) problems.delete(order.id);
    renderLists();
  }

  async function load(): Promise<void> {
    const gen = generation;
    pending = [];
    try {
      const from = here ?? station?.point ?? null;
      const fresh = await api.orders('open,taken,done,scored,escalated', from);
      if (gen !== generation) return;
      let next = fresh.filter((o) => o.status === 'open' || o.memberId === memberId);
      for (const o of pending) next = applyOrder(next, o, memberId);
      list = next;
      byId('member-error').textContent = '';
      body.dataset.ordersLoaded = 'true';
    } catch (e) {
      if (gen === generation) byId('member-error').textContent = describe(e);
    } finally {
      if (gen === generation) pending = null;
    }
    renderLists();
  }

  // ---------- the order cards ----------

  function timeLeft(o: OrderView): HTMLElement | null {
    if (o.status !== 'open' || !o.escalateAt) return null;
    const left = secondsLeft(o.escalateAt, Date.now());
    return el('div', { class: 'm-order-left', 'data-escalate-at': o.escalateAt, 'data-expired': String(left <= 0), role: 'timer' },
      left > 0 ? t('orders.left', { time: formatCountdown(left) }) : t('orders.overdue'));
  }

  function head(o: OrderView): HTMLElement {
    return el('div', { class: 'm-item-top' },
      el('h2', { class: 'm-order-category' }, categoryOf(o)),
      el('span', { class: 'm-status', 'data-status': o.status }, statusName(o.status)));
  }

  function meta(o: OrderView, extra: string[] = []): HTMLElement {
    const d = distanceOf(o, here ?? station?.point ?? null);
    return el('p', { class: 'm-offer-meta' },
      [t('orders.title', { id: o.id }), d != null ? t('orders.distance', { d: formatDistance(d, deps.lang()) }) : '', ...extra].filter(Boolean).join(' · '));
  }

  function openCard(o: OrderView): HTMLElement {
    const problem = problems.get(o.id);
    const gone = goneCards.has(o.id);
    const card = el('article', {
      class: 'm-card m-order', 'data-order-id': String(o.id), 'data-status': o.status, 'data-skill-match': String(o.skillMatch !== false),
      'data-problem': problemStatus.has(o.id) ? String(problemStatus.get(o.id)) : null,
      'data-gone': gone ? 'true' : null,
    },
      gone
        ? el('div', { class: 'm-item-top' }, el('h2', { class: 'm-order-category' }, categoryOf(o)),
            el('span', { class: 'm-status', 'data-status': 'escalated' }, t('orders.gone')))
        : head(o),
      // The resident's words: always text.
      o.description ? el('p', { class: 'm-order-text' }, o.description) : null,
      meta(o),
      gone ? null : timeLeft(o),
      !gone && o.skillMatch === false ? el('p', { class: 'm-order-skill' }, t('orders.noSkill')) : null,
      problem ? el('div', { class: 'm-offer-problem', role: 'alert' }, el('p', {}, problem)) : null,
      problem
        ? el('div', { class: 'm-actions' }, el('button', { class: 'm-btn', type: 'button', 'data-action': 'dismiss' }, t('orders.dismiss')))
        : el('div', { class: 'm-actions' },
        el('button', { class: 'm-btn m-btn-primary', type: 'button', 'data-action': 'take', disabled: busy.has(o.id) },
          busy.has(o.id) ? t('orders.taking') : t('orders.take'))),
    );
    return card;
  }

  /** A card of an order that was taken by someone else after this member tapped it: kept with the server's words. */
  const goneCards = new Map<number, OrderView>();

  function mineCard(o: OrderView): HTMLElement {
    const card = el('article', { class: 'm-card m-order', 'data-order-id': String(o.id), 'data-status': o.status },
      head(o),
      o.description ? el('p', { class: 'm-order-text' }, o.description) : null,
      meta(o, [o.takenAt ? t('orders.takenAt', { time: clockTime(o.takenAt) }) : '']),
    );
    if (o.status === 'taken') {
      if (doneOpen === o.id) card.append(doneForm(o));
      else
        card.append(el('div', { class: 'm-actions' },
          el('button', { class: 'm-btn m-btn-primary', type: 'button', 'data-action': 'done' }, t('orders.done'))));
    } else {
      const line = o.status === 'scored'
        ? t('orders.scored', { score: o.score ?? '-', points: o.points ?? 0 })
        : o.status === 'done' ? t('orders.waitScore') : o.status === 'escalated' ? t('orders.escalated') : statusName(o.status);
      if (o.doneAt) card.append(el('p', { class: 'm-muted' }, t('orders.doneAt', { time: clockTime(o.doneAt) }) + (o.doneNote ? ` · ${o.doneNote}` : '')));
      card.append(el('p', { class: 'm-order-score', 'data-score': o.score != null ? String(o.score) : null }, line));
    }
    return card;
  }

  function doneForm(o: OrderView): HTMLElement {
    const inputId = `done-photo-${o.id}`;
    const photo = el('input', { id: inputId, class: 'm-file', type: 'file', accept: 'image/*', capture: 'environment', name: 'photo' });
    const label = el('label', { for: inputId, class: 'm-btn m-photo-button' }, t('handle.takePhoto'));
    const preview = el('img', { class: 'm-preview', alt: '', hidden: true });
    const note = el('textarea', { name: 'note', rows: '3', id: `done-note-${o.id}`, placeholder: t('orders.donePlaceholder') });
    const error = el('p', { class: 'm-error', role: 'alert' });
    const submit = el('button', { class: 'm-btn m-btn-primary', type: 'submit', 'data-action': 'done-submit' }, t('orders.doneSubmit'));
    const cancel = el('button', { class: 'm-btn', type: 'button', 'data-action': 'done-cancel' }, t('handle.cancel'));
    photo.addEventListener('change', () => {
      const file = photo.files?.[0];
      if (preview.src) URL.revokeObjectURL(preview.src);
      if (file) {
        preview.src = URL.createObjectURL(file);
        preview.hidden = false;
      } else preview.hidden = true;
      label.textContent = file ? t('handle.photoChosen', { name: file.name }) : t('handle.takePhoto');
    });
    const form = el('form', { class: 'm-form m-done-form', novalidate: true },
      el('h3', {}, t('orders.doneTitle')),
      el('label', { for: note.id }, t('orders.doneNote')), note,
      el('span', { class: 'm-label' }, t('orders.donePhoto')), photo, label, preview,
      error,
      el('div', { class: 'm-actions' }, cancel, submit),
    );
    cancel.addEventListener('click', () => {
      doneOpen = null;
      renderLists();
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      submit.disabled = true;
      try {
        const file = photo.files?.[0];
        if (file) {
          submit.textContent = t('handle.uploading');
          await api.uploadPhoto(o.incidentId, await deps.forUpload(file), 'after');
        }
        submit.textContent = t('handle.sending');
        const updated = await api.orderDone(o.id, note.value.trim() || undefined);
        doneOpen = null;
        apply(updated);
      } catch (e) {
        error.textContent = t('orders.failed', { detail: describe(e) });
        submit.disabled = false;
        submit.textContent = t('orders.doneSubmit');
      }
    });
    return form;
  }

  function renderLists(): void {
    if (!me) return;
    const from = here ?? station?.point ?? null;
    const open = openOrders(list, from);
    const shown = [...open.map(openCard), ...[...goneCards.values()].map(openCard)];
    byId('open-orders').replaceChildren(...(shown.length ? shown : [el('p', { class: 'm-empty' }, t('orders.none'))]));
    byId('orders-from').textContent = here
      ? t('orders.fromHere')
      : station ? t('orders.fromStation', { station: station.name }) : t('orders.fromNothing');
    body.dataset.openOrders = String(open.length);
    // The done form keeps what was typed and chosen: the list is not redrawn under an open form.
    if (doneOpen === null || !document.querySelector(`#my-orders [data-order-id='${doneOpen}'] form`)) {
      const active = myActive(list, memberId);
      byId('my-orders').replaceChildren(...(active.length ? active.map(mineCard) : [el('p', { class: 'm-empty' }, t('orders.mineNone'))]));
    }
    const finished = myFinished(list, memberId);
    byId('my-finished').replaceChildren(...(finished.length ? finished.map(mineCard) : [el('p', { class: 'm-empty' }, t('orders.finishedNone'))]));
  }

  byId('open-orders').addEventListener('click', async (event) => {
    const dismiss = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action=dismiss]');
    if (dismiss) {
      const gone = Number(dismiss.closest<HTMLElement>('[data-order-id]')?.dataset.orderId);
      goneCards.delete(gone);
      problems.delete(gone);
      problemStatus.delete(gone);
      renderLists();
      return;
    }
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action=take]');
    const card = button?.closest<HTMLElement>('[data-order-id]');
    if (!button || !card) return;
    const id = Number(card.dataset.orderId);
    if (busy.has(id)) return;
    // Held now: the hub's word that someone else took it may remove it from the list before this take is answered.
    const held = list.find((o) => o.id === id);
    busy.add(id);
    renderLists();
    try {
      const taken = await api.takeOrder(id);
      busy.delete(id);
      apply(taken);
      if (tab === 'orders') flash(t('orders.taken'));
    } catch (e) {
      busy.delete(id);
      problems.set(id, describe(e));
      // Taken by someone else meanwhile (409), or gone (404/403): the card stays with the server's words.
      if (e instanceof ApiError && (e.status === 409 || e.status === 404 || e.status === 403) && held) {
        goneCards.set(id, { ...held });
        list = list.filter((o) => o.id !== id);
      }
      if (e instanceof ApiError) problemStatus.set(id, e.status);
      renderLists();
    }
  });
  byId('my-orders').addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action=done]');
    const card = button?.closest<HTMLElement>('[data-order-id]');
    if (!button || !card) return;
    doneOpen = Number(card.dataset.orderId);
    renderLists();
    byId('my-orders').querySelector('form')?.scrollIntoView({ block: 'start' });
  });
  byId('orders-refresh').addEventListener('click', () => {
    goneCards.clear();
    problems.clear();
    problemStatus.clear();
    void load();
  });

  function flash(text: string): void {
    const node = byId('member-error');
    node.textContent = '';
    const note = el('p', { class: 'm-result', 'data-kind': 'ok', role: 'status', id: 'member-flash' }, text);
    document.getElementById('member-flash')?.remove();
    node.after(note);
    window.setTimeout(() => note.remove(), 4000);
  }

  window.setInterval(() => {
    for (const node of document.querySelectorAll<HTMLElement>('#open-orders [data-escalate-at]')) {
      const left = secondsLeft(node.dataset.escalateAt!, Date.now());
      node.dataset.expired = String(left <= 0);
      node.textContent = left > 0 ? t('orders.left', { time: formatCountdown(left) }) : t('orders.overdue');
    }
  }, 1000);

  // ---------- availability ----------

  function renderAvailability(): void {
    const button = byId<HTMLButtonElement>('available-toggle');
    button.textContent = available ? t('member.toggleOff') : t('member.toggleOn');
    // Styled like the crew's duty button: pressed (white, red border) while taking orders, the tap pauses.
    button.setAttribute('aria-pressed', String(available));
    byId('member-state').textContent = available ? t('member.stateOn') : t('member.stateOff');
    body.dataset.available = String(available);
  }
  byId('available-toggle').addEventListener('click', async () => {
    const button = byId<HTMLButtonElement>('available-toggle');
    button.disabled = true;
    try {
      const answer = await api.setAvailable(!available);
      available = answer?.available ?? !available;
      renderAvailability();
    } catch (e) {
      byId('member-error').textContent = t('member.toggleFailed', { detail: describe(e) });
    } finally {
      button.disabled = false;
    }
  });

  // ---------- points ----------

  async function loadPoints(): Promise<void> {
    const box = byId('points-board');
    const community = me?.communities?.[0] ?? null;
    try {
      const board = await api.monthlyPoints(community);
      const rows = board.members.map((m) => {
        const mine = m.memberId === memberId;
        return el('tr', { 'data-member-id': String(m.memberId), class: mine ? 'm-me' : null, 'aria-current': mine ? 'true' : null },
          el('td', {}, String(m.rank)),
          el('td', {}, m.name, mine ? el('span', { class: 'm-me-tag' }, t('points.me')) : null,
            el('span', { class: 'm-item-sub' }, ` ${`kind.${m.kind}` in kindKeys ? t(`kind.${m.kind}` as MobileKey) : m.kind}`)),
          el('td', {}, String(m.orders)),
          el('td', {}, m.averageScore != null ? m.averageScore.toFixed(1) : '-'),
          el('td', { class: 'm-points' }, String(m.points)));
      });
      box.replaceChildren(
        el('h2', {}, t('points.title', { month: board.month }) + (board.communityName ? ` · ${board.communityName}` : '')),
        rows.length
          ? el('table', { class: 'm-board' },
              el('thead', {}, el('tr', {}, ...(['points.rank', 'points.name', 'points.orders', 'points.score', 'points.points'] as const).map((k) => el('th', {}, t(k))))),
              el('tbody', {}, ...rows))
          : el('p', { class: 'm-empty' }, t('points.none')),
        el('p', { class: 'm-muted' }, t('points.total', { orders: board.totalOrders, points: board.totalPoints })),
      );
      body.dataset.pointsLoaded = 'true';
    } catch (e) {
      box.replaceChildren(el('p', { class: 'm-error' }, t('points.failed', { detail: describe(e) })));
    }
  }
  const kindKeys: Record<string, true> = { 'kind.postedOfficer': true, 'kind.partyMember': true, 'kind.volunteer': true, 'kind.buildingHead': true };

  // ---------- position ----------

  function watchPosition(): void {
    if (!('geolocation' in navigator)) return;
    watchId = navigator.geolocation.watchPosition(
      (p) => {
        const first = here === null;
        here = { lon: p.coords.longitude, lat: p.coords.latitude };
        if (first) renderLists();
      },
      () => undefined,
      { enableHighAccuracy: true, maximumAge: 30_000, timeout: 30_000 },
    );
  }

  async function findStation(): Promise<void> {
    const community = me?.communities?.[0];
    if (!community) return;
    try {
      const all = await api.stations();
      const f = all.features.find((s) => s.properties.community === community);
      if (f) {
        station = { name: f.properties.name, point: { lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] } };
        renderLists();
      }
    } catch {
      // the list is still there, by time
    }
  }

  // ---------- tabs ----------

  function showTab(next: MemberTab): void {
    tab = next;
    for (const name of ['orders', 'mine', 'points'] as const) byId(`mtab-${name}`).hidden = name !== next;
    for (const b of document.querySelectorAll<HTMLButtonElement>('#member-tabbar button'))
      if (b.dataset.mtab === next) b.setAttribute('aria-current', 'page');
      else b.removeAttribute('aria-current');
    body.dataset.tab = next;
    document.getElementById('member-flash')?.remove();
    if (next === 'points') void loadPoints();
  }
  for (const b of document.querySelectorAll<HTMLButtonElement>('#member-tabbar button'))
    b.addEventListener('click', () => {
      location.hash = b.dataset.mtab ?? 'orders';
    });

  return {
    async start(who) {
      generation++;
      me = who;
      memberId = who.memberId ?? null;
      available = who.available !== false;
      list = [];
      goneCards.clear();
      problems.clear();
      problemStatus.clear();
      byId('member-name').textContent = who.memberName ?? who.username;
      renderAvailability();
      watchPosition();
      hub = connectOrdersHub({
        getToken: deps.getToken,
        opened: (o) => {
          apply(o);
          // The broadcast is the same for everyone: this member's skill flag comes with their own read of it.
          void api.order(o.id).then((mine) => apply(mine), () => undefined);
        },
        // A card kept with the server's 409 stays until dismissed: the hub's word of the same take may come after it.
        changed: (o) => apply(o),
        state: (s) => {
          body.dataset.ordersHub = s;
          deps.hubState(s);
        },
        resync: () => void load(),
        refused: () => deps.refused(),
      });
      await Promise.all([findStation(), load()]);
    },
    stop() {
      generation++;
      me = null;
      memberId = null;
      list = [];
      void hub?.stop();
      hub = null;
      if (watchId !== null) navigator.geolocation.clearWatch(watchId);
      watchId = null;
      here = null;
      station = null;
      delete body.dataset.ordersHub;
      delete body.dataset.ordersLoaded;
      deps.hubState(null);
    },
    showTab,
    render() {
      renderAvailability();
      renderLists();
      if (tab === 'points') void loadPoints();
    },
    orders: () => [...list],
  };
}
