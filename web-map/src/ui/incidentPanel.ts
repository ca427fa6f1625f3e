import type { Api } from '../api';
import { canOffer } from '../dispatch';
import type { I18n, StringKey } from '../i18n';
import {
  actionInputs,
  actionLabel,
  buildTransition,
  categoryLabel,
  formatShanghai,
  historyRow,
  needsInput,
  sourceLabel,
  statusLabel,
  type ActionDraft,
  type ActionInputs,
} from '../incidents';
import type { IncidentDetail, IncidentHistoryEntry, TransitionRequest } from '../types';
import { createCandidates, renderCandidates } from './candidates';
import { el } from './dom';
import { createPhotoCache, renderPhotos, type FetchPhoto } from './incidentPhotos';
import './incident.css';

/** What the panel shows. */
export type PanelView =
  | { kind: 'loading'; id: number }
  | { kind: 'error'; id: number; message: string }
  | { kind: 'ok'; detail: IncidentDetail };

type Message = { key: StringKey } | { text: string };

/** The action form and its state, while the panel shows an incident. */
export interface PanelUi {
  form: { action: string; inputs: ActionInputs } | null;
  draft: ActionDraft;
  busy: boolean;
  /** Shown in `.incident-error`: a check of the form, or the server's problem `detail`. */
  error: Message | null;
}

export interface PanelHandlers {
  close(): void;
  action(action: string): void;
  submit(): void;
  cancel(): void;
  draft(field: keyof ActionDraft, value: string): void;
}

export const emptyUi = (): PanelUi => ({ form: null, draft: {}, busy: false, error: null });

/** The inputs of the action form, by class: one of them keeps the focus across a redraw. */
const FORM_FIELDS = ['incident-note', 'incident-score', 'incident-extend-hours', 'incident-team'];

const none = (i18n: I18n, value: string | null | undefined): string => (value?.trim() ? value : i18n.t('popup.none'));

/** One `<li>` of `#incident-history`: time, actor, action, from → to, note; all as text. */
export function historyItem(entry: IncidentHistoryEntry, i18n: I18n): HTMLLIElement {
  const row = historyRow(entry, i18n);
  return el(
    'li',
    { class: 'incident-history-item', 'data-action': entry.action },
    el('time', { class: 'incident-history-time', datetime: entry.at }, row.time),
    ' ',
    el('span', { class: 'incident-history-actor' }, row.actor),
    ' ',
    el('span', { class: 'incident-history-action' }, row.action),
    ' ',
    el('span', { class: 'incident-history-transition' }, row.transition),
    row.note ? el('p', { class: 'incident-history-note' }, row.note) : null,
  );
}

const ORDER_STATUSES = ['open', 'taken', 'done', 'scored', 'escalated', 'withdrawn'];

/** 社区派单 #3 · 360799001001 · 已接单 · 廖建华: where the case's community order stands, for the dispatch center. */
export function orderText(detail: IncidentDetail, i18n: I18n): string | null {
  const o = detail.order;
  if (!o) return null;
  const status = ORDER_STATUSES.includes(o.status) ? i18n.t(`orderStatus.${o.status}` as StringKey) : o.status;
  return [`#${o.id}`, o.community, status, o.memberName?.trim() || null].filter(Boolean).join(' · ');
}

/** The rows of the field list: [field, label key, value]; rows that do not apply are left out. */
export function incidentFields(detail: IncidentDetail, i18n: I18n): Array<[string, StringKey, string]> {
  const rows: Array<[string, StringKey, string | null]> = [
    ['status', 'incident.status', statusLabel(i18n, detail.status)],
    ['category', 'incident.category', categoryLabel(i18n, detail.category)],
    ['source', 'incident.source', sourceLabel(i18n, detail.source)],
    ['reportedAt', 'incident.reportedAt', formatShanghai(detail.reportedAt)],
    ['deadline', 'incident.deadline', formatShanghai(detail.deadline) || i18n.t('popup.none')],
    [
      'team',
      'incident.team',
      detail.teamName?.trim() || (detail.teamId !== null && detail.teamId !== undefined ? `#${detail.teamId}` : i18n.t('popup.none')),
    ],
    ['grid', 'incident.grid', none(i18n, detail.unitGridCode ?? detail.largeGridCode)],
    ['handler', 'incident.handler', detail.handlerName?.trim() || null],
    ['order', 'incident.order', orderText(detail, i18n)],
    ['score', 'incident.score', detail.score !== null && detail.score !== undefined ? String(detail.score) : null],
    ['rework', 'incident.rework', detail.reworkCount ? String(detail.reworkCount) : null],
    [
      'duplicateOf',
      'incident.duplicateOf',
      detail.duplicateOf ? `#${detail.duplicateOf.id}（${statusLabel(i18n, detail.duplicateOf.status)}）` : null,
    ],
    ['duplicates', 'incident.duplicates', detail.duplicateCount ? String(detail.duplicateCount) : null],
    ['routing', 'incident.routing', none(i18n, detail.routing?.note)],
    ['description', 'incident.description', none(i18n, detail.description)],
  ];
  return rows.filter((r): r is [string, StringKey, string] => r[2] !== null);
}

function actionForm(action: string, inputs: ActionInputs, ui: PanelUi, i18n: I18n, on: PanelHandlers): HTMLElement {
  const form = el('form', { class: 'incident-form', 'data-action': action, novalidate: true });
  const field = (key: StringKey, input: HTMLInputElement | HTMLTextAreaElement, name: keyof ActionDraft): HTMLElement => {
    input.value = ui.draft[name] ?? '';
    input.addEventListener('input', () => on.draft(name, input.value));
    return el('label', { class: 'incident-form-field' }, el('span', {}, i18n.t(key)), input);
  };
  form.append(el('div', { class: 'incident-form-title' }, actionLabel(i18n, action)));
  if (inputs.score) {
    form.append(field('incident.scoreLabel', el('input', { class: 'incident-score', type: 'number', min: '1', max: '5', step: '1', required: true }), 'score'));
  }
  if (inputs.extendHours) {
    form.append(field('incident.extendHours', el('input', { class: 'incident-extend-hours', type: 'number', min: '1', step: '1', required: true }), 'extendHours'));
  }
  if (inputs.teamId) {
    form.append(field('incident.teamId', el('input', { class: 'incident-team', type: 'number', min: '1', step: '1', required: true }), 'teamId'));
  }
  if (inputs.note) {
    const note = el('textarea', { class: 'incident-note', rows: '3', maxlength: '2000', placeholder: i18n.t('incident.notePlaceholder'), required: true });
    form.append(field('incident.note', note, 'note'));
  }
  const cancel = el('button', { type: 'button', class: 'incident-cancel', disabled: ui.busy }, i18n.t('incident.cancel'));
  cancel.addEventListener('click', () => on.cancel());
  const submit = el(
    'button',
    { type: 'submit', class: 'incident-submit', disabled: ui.busy },
    i18n.t(ui.busy ? 'incident.submitting' : 'incident.submit'),
  );
  form.append(el('div', { class: 'incident-form-buttons' }, cancel, submit));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    on.submit();
  });
  return form;
}

/**
 * The panel's content. Every server string goes in as a text node (el()), never as HTML. `extra` (the candidates
 * section) goes between the actions and the history; `photos` (the photos section) after the fields.
 */
export function renderIncidentPanel(
  view: PanelView,
  ui: PanelUi,
  i18n: I18n,
  on: PanelHandlers,
  extra?: HTMLElement | null,
  photos?: HTMLElement | null,
): HTMLElement[] {
  const id = view.kind === 'ok' ? view.detail.id : view.id;
  const close = el('button', { type: 'button', class: 'incident-close', title: i18n.t('incident.close'), 'aria-label': i18n.t('incident.close') }, '×');
  close.addEventListener('click', () => on.close());
  const header = el('header', { class: 'incident-header' }, el('h2', { class: 'incident-title', 'data-id': String(id) }, i18n.t('incident.title', { id })), close);

  if (view.kind === 'loading') return [header, el('p', { class: 'incident-message' }, i18n.t('incident.loading'))];
  if (view.kind === 'error') {
    return [header, el('p', { class: 'incident-message incident-error', role: 'alert' }, i18n.t('incident.failed', { detail: view.message }))];
  }

  const d = view.detail;
  const badges = el(
    'div',
    { class: 'incident-badges' },
    el('span', { class: 'incident-status', 'data-status': d.status }, statusLabel(i18n, d.status)),
    d.overdue ? el('span', { class: 'incident-overdue' }, i18n.t('incident.overdue')) : null,
  );

  const fields = el('dl', { class: 'incident-fields' });
  for (const [field, key, value] of incidentFields(d, i18n)) {
    fields.append(el('dt', { 'data-field': field }, i18n.t(key)), el('dd', { 'data-field': field }, value));
  }

  const history = el('ol', { id: 'incident-history', class: 'incident-history' }, ...(d.history ?? []).map((h) => historyItem(h, i18n)));
  const historySection = el(
    'section',
    { class: 'incident-section' },
    el('h3', {}, i18n.t('incident.history')),
    history,
    d.history?.length ? null : el('p', { class: 'incident-empty' }, i18n.t('incident.historyEmpty')),
  );

  const actions = el('div', { class: 'incident-actions' });
  for (const action of d.availableActions ?? []) {
    const button = el(
      'button',
      {
        type: 'button',
        class: `incident-action${ui.form?.action === action ? ' active' : ''}`,
        'data-action': action,
        disabled: ui.busy,
      },
      actionLabel(i18n, action),
    );
    button.addEventListener('click', () => on.action(action));
    actions.append(button);
  }
  const actionSection = el(
    'section',
    { class: 'incident-section' },
    el('h3', {}, i18n.t('incident.actions')),
    d.availableActions?.length ? actions : el('p', { class: 'incident-empty' }, i18n.t('incident.noActions')),
    ui.form ? actionForm(ui.form.action, ui.form.inputs, ui, i18n, on) : null,
    el(
      'p',
      { class: 'incident-error', role: 'alert', hidden: !ui.error },
      ui.error ? ('key' in ui.error ? i18n.t(ui.error.key) : ui.error.text) : '',
    ),
  );

  return [header, el('div', { class: 'incident-body' }, badges, fields, photos, actionSection, extra, historySection)];
}

export interface IncidentPanelOptions {
  /** `#incident-detail`. */
  container: HTMLElement;
  api: Pick<Api, 'incident' | 'transition'>;
  i18n: I18n;
  describe: (error: unknown) => string;
  /** After a transition succeeded (redraw the map). */
  onChanged?: (detail: IncidentDetail) => void;
  /** The incident shown changed (null: the panel closed). */
  onSelect?: (id: number | null) => void;
  /** The candidates section, for users who may assign (`enabled`); left out, there is none. */
  dispatch?: { api: Pick<Api, 'candidates' | 'assign'>; enabled: () => boolean };
  /** Fetches a photo's bytes with the Bearer header; left out, the photos are not shown. */
  photos?: FetchPhoto;
}

export interface IncidentPanel {
  /** Fetches and shows incident `id`; rejects (after showing the failure) if it cannot be loaded. */
  open(id: number): Promise<void>;
  /** Fetches the incident shown again, quietly (no loading state; a form being filled in stays while its action does). */
  reload(): Promise<void>;
  close(): void;
  readonly currentId: number | null;
}

/**
 * The incident detail panel (`#incident-detail.incident-popup`). Sets `data-state` (loading|ok|error) and
 * `data-status` on it, and `<body data-incident-open="{id}" data-incident-status="{status}">` once an incident is shown.
 * With `dispatch` enabled it lists the candidates of an incident that may still be offered, and reloads after an offer.
 */
export function createIncidentPanel(options: IncidentPanelOptions): IncidentPanel {
  const { container, api, i18n, describe } = options;
  const body = document.body;
  let view: PanelView | null = null;
  let ui = emptyUi();
  let seq = 0;
  const photoCache = options.photos ? createPhotoCache(options.photos, () => render()) : null;

  const candidates = options.dispatch
    ? createCandidates({
        api: options.dispatch.api,
        describe,
        changed: () => render(),
        assigned: () => void panel.reload(),
      })
    : null;

  /** Loads the candidates when the incident may still be offered and the user may assign; hides them otherwise. */
  function syncCandidates(detail: IncidentDetail): void {
    if (!candidates) return;
    if (options.dispatch?.enabled() && canOffer(detail.status)) void candidates.load(detail.id);
    else candidates.reset();
  }

  const handlers: PanelHandlers = {
    close: () => panel.close(),
    action(action) {
      if (view?.kind !== 'ok' || ui.busy) return;
      const inputs = actionInputs(action, view.detail);
      if (!needsInput(inputs)) {
        void send({ action });
        return;
      }
      ui = { ...emptyUi(), form: { action, inputs } };
      render();
      container.querySelector<HTMLElement>('.incident-form input, .incident-form textarea')?.focus();
    },
    submit() {
      if (!ui.form || ui.busy) return;
      const built = buildTransition(ui.form.action, ui.form.inputs, ui.draft);
      if ('missing' in built) {
        ui.error = { key: built.missing };
        render();
        return;
      }
      void send(built.body);
    },
    cancel() {
      if (ui.busy) return;
      ui = emptyUi();
      render();
    },
    draft(field, value) {
      ui.draft[field] = value;
    },
  };

  function render(): void {
    if (!view) {
      container.hidden = true;
      container.replaceChildren();
      delete container.dataset.state;
      delete container.dataset.status;
      delete body.dataset.incidentOpen;
      delete body.dataset.incidentStatus;
      return;
    }
    container.dataset.state = view.kind;
    if (view.kind === 'ok') container.dataset.status = view.detail.status;
    else delete container.dataset.status;
    const extra = view.kind === 'ok' && candidates ? renderCandidates(candidates.ui, i18n, candidates.handlers) : null;
    const photos = view.kind === 'ok' && photoCache ? renderPhotos(view.detail.photos, photoCache, i18n) : null;
    // A redraw (a pushed change, the candidates arriving) must not take the caret out of the form being filled in.
    const focused = FORM_FIELDS.find((c) => (document.activeElement as HTMLElement | null | undefined)?.classList?.contains(c));
    container.replaceChildren(...renderIncidentPanel(view, ui, i18n, handlers, extra, photos));
    if (focused) container.querySelector<HTMLElement>(`.${focused}`)?.focus();
    container.hidden = false;
    if (view.kind === 'ok') {
      body.dataset.incidentOpen = String(view.detail.id);
      body.dataset.incidentStatus = view.detail.status;
    } else {
      delete body.dataset.incidentOpen;
      delete body.dataset.incidentStatus;
    }
  }

  async function send(request: TransitionRequest): Promise<void> {
    if (view?.kind !== 'ok') return;
    const mine = seq;
    const id = view.detail.id;
    ui.busy = true;
    ui.error = null;
    render();
    try {
      const next = await api.transition(id, request);
      if (mine !== seq) return;
      view = { kind: 'ok', detail: next };
      ui = emptyUi();
      render();
      syncCandidates(next);
      options.onChanged?.(next);
    } catch (error) {
      if (mine !== seq) return;
      ui.busy = false;
      ui.error = { text: describe(error) };
      render();
    }
  }

  i18n.onChange(() => {
    if (view) render();
  });

  const panel: IncidentPanel = {
    async open(id) {
      const mine = ++seq;
      if (id !== panel.currentId) photoCache?.clear();
      view = { kind: 'loading', id };
      ui = emptyUi();
      candidates?.reset();
      render();
      options.onSelect?.(id);
      try {
        const detail = await api.incident(id);
        if (mine !== seq) return;
        view = { kind: 'ok', detail };
        render();
        syncCandidates(detail);
      } catch (error) {
        if (mine !== seq) return;
        view = { kind: 'error', id, message: describe(error) };
        render();
        throw error;
      }
    },
    async reload() {
      if (!view || view.kind === 'loading') return;
      if (view.kind === 'error') return panel.open(view.id).catch(() => undefined);
      if (ui.busy) return;
      const mine = ++seq;
      const id = view.detail.id;
      let detail: IncidentDetail;
      try {
        detail = await api.incident(id);
      } catch (error) {
        if (mine === seq) console.warn('[incident] reload failed', error);
        return;
      }
      if (mine !== seq || view?.kind !== 'ok') return;
      const same = JSON.stringify(detail) === JSON.stringify(view.detail);
      view = { kind: 'ok', detail };
      if (ui.form && !(detail.availableActions ?? []).includes(ui.form.action)) ui = emptyUi();
      if (!same) render();
      syncCandidates(detail);
    },
    close() {
      seq++;
      const wasOpen = view !== null;
      view = null;
      ui = emptyUi();
      candidates?.reset();
      photoCache?.clear();
      render();
      if (wasOpen) options.onSelect?.(null);
    },
    get currentId() {
      return view ? (view.kind === 'ok' ? view.detail.id : view.id) : null;
    },
  };
  return panel;
}
