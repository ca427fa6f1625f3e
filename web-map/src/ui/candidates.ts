import type { Api } from '../api';
import { candidateRow, clockTime, excludedRow } from '../dispatch';
import type { I18n } from '../i18n';
import type { CandidateList, Offer } from '../types';
import { el } from './dom';
import './candidates.css';

/** What the candidates section shows. */
export type CandidatesView =
  | { kind: 'loading'; incidentId: number }
  | { kind: 'error'; incidentId: number; message: string }
  | { kind: 'ok'; incidentId: number; list: CandidateList };

export interface CandidatesUi {
  view: CandidatesView | null;
  /** The assignment under way: a crew id, or 'best' for 指派最近. */
  assigning: number | 'best' | null;
  /** The server's problem `detail` of a refused assignment. */
  error: string | null;
  /** The offer just made, shown until another incident is opened. */
  offered: Offer | null;
  excludedOpen: boolean;
}

export interface CandidatesHandlers {
  /** Offer to `crewId`, or to the best candidate when it is left out. */
  assign(crewId?: number): void;
  refresh(): void;
  toggleExcluded(): void;
}

export const emptyCandidatesUi = (): CandidatesUi => ({ view: null, assigning: null, error: null, offered: null, excludedOpen: false });

/** The 候选人员 section: candidates best first with 指派 buttons, 指派最近, and the crews left out (collapsed). Text only. */
export function renderCandidates(ui: CandidatesUi, i18n: I18n, on: CandidatesHandlers): HTMLElement | null {
  const view = ui.view;
  if (!view) return null;
  const busy = ui.assigning !== null || view.kind === 'loading';
  const list = view.kind === 'ok' ? view.list : null;
  const candidates = list?.candidates ?? [];
  const excluded = list?.excluded ?? [];

  const refresh = el('button', { type: 'button', class: 'candidates-refresh', disabled: busy }, i18n.t('dispatch.refresh'));
  refresh.addEventListener('click', () => on.refresh());
  const best = el(
    'button',
    { type: 'button', class: 'candidates-assign-best', title: i18n.t('dispatch.assignBestTitle'), disabled: busy || !candidates.length },
    i18n.t(ui.assigning === 'best' ? 'dispatch.assigning' : 'dispatch.assignBest'),
  );
  best.addEventListener('click', () => on.assign());
  const section = el(
    'section',
    { class: 'incident-section incident-candidates', 'data-state': view.kind },
    el('div', { class: 'candidates-header' }, el('h3', {}, i18n.t('dispatch.title')), refresh, best),
  );

  if (ui.offered) {
    const params = { name: ui.offered.crewName || `#${ui.offered.crewId}`, time: clockTime(ui.offered.expiresAt) || i18n.t('popup.none') };
    section.append(el('p', { class: 'candidates-offered', 'data-crew-id': String(ui.offered.crewId) }, i18n.t('dispatch.offered', params)));
  }
  if (view.kind === 'loading') section.append(el('p', { class: 'incident-empty' }, i18n.t('dispatch.loading')));
  if (view.kind === 'error') {
    section.append(el('p', { class: 'incident-error candidates-load-error', role: 'alert' }, i18n.t('dispatch.failed', { detail: view.message })));
  }
  if (list && !candidates.length) section.append(el('p', { class: 'incident-empty candidates-none' }, i18n.t('dispatch.none')));

  if (candidates.length) {
    const ol = el('ol', { class: 'candidates-list' });
    for (const c of candidates) {
      const row = candidateRow(c, i18n);
      const assign = el(
        'button',
        { type: 'button', class: 'candidate-assign', 'data-crew-id': String(c.crewId), title: i18n.t('dispatch.assignTitle', { name: row.name }), disabled: busy },
        i18n.t(ui.assigning === c.crewId ? 'dispatch.assigning' : 'dispatch.assign'),
      );
      assign.addEventListener('click', () => on.assign(c.crewId));
      ol.append(
        el(
          'li',
          { class: 'candidate', 'data-crew-id': String(c.crewId) },
          el(
            'div',
            { class: 'candidate-text' },
            el(
              'div',
              { class: 'candidate-who' },
              el('span', { class: 'candidate-name' }, row.name), ' ', el('span', { class: 'candidate-team' }, row.team), ' ', el('span', { class: 'candidate-role' }, row.role),
              ...(row.support ? [' ', el('span', { class: 'candidate-support' }, row.support)] : []),
            ),
            el(
              'div',
              { class: 'candidate-how' },
              el('span', { class: 'candidate-distance', title: row.straight }, row.distance),
              ' · ',
              el('span', { class: 'candidate-eta' }, row.eta),
              ' · ',
              el('span', { class: 'candidate-basis', 'data-by-road': String(!!c.byRoad) }, row.basis),
            ),
          ),
          assign,
        ),
      );
    }
    section.append(ol);
  }

  section.append(el('p', { class: 'incident-error candidates-error', role: 'alert', hidden: !ui.error }, ui.error ?? ''));

  if (excluded.length) {
    const toggle = el(
      'button',
      { type: 'button', class: 'candidates-excluded-toggle', 'aria-expanded': String(ui.excludedOpen) },
      `${ui.excludedOpen ? '▾' : '▸'} ${i18n.t('dispatch.excluded', { n: excluded.length })}`,
    );
    toggle.addEventListener('click', () => on.toggleExcluded());
    const ul = el('ul', { class: 'candidates-excluded', hidden: !ui.excludedOpen });
    for (const x of excluded) {
      const row = excludedRow(x, i18n);
      ul.append(
        el(
          'li',
          { class: 'excluded', 'data-crew-id': String(x.crewId), 'data-reason': String(x.reason ?? ''), title: row.detail || null },
          el('span', { class: 'excluded-name' }, row.name),
          ' ',
          el('span', { class: 'excluded-reason' }, row.reason),
          row.detail ? el('p', { class: 'excluded-detail' }, row.detail) : null,
        ),
      );
    }
    section.append(toggle, ul);
  }
  return section;
}

export interface CandidatesOptions {
  api: Pick<Api, 'candidates' | 'assign'>;
  describe: (error: unknown) => string;
  /** The state changed: draw the panel again. */
  changed: () => void;
  /** An offer was made: reload the incident (its history shows the offer) and, through it, the candidates. */
  assigned: (offer: Offer) => void;
}

export interface CandidatesSection {
  readonly ui: CandidatesUi;
  readonly handlers: CandidatesHandlers;
  /** Loads the candidates of `incidentId`; the list shown stays until the answer when it is the same incident. */
  load(incidentId: number): Promise<void>;
  /** Hides the section and forgets everything (another incident, or none). */
  reset(): void;
}

/** The state behind the candidates section; the panel draws it with renderCandidates. */
export function createCandidates(options: CandidatesOptions): CandidatesSection {
  const { api, describe } = options;
  let ui = emptyCandidatesUi();
  let seq = 0;

  const current = (): number | null => ui.view?.incidentId ?? null;

  async function load(incidentId: number): Promise<void> {
    const mine = ++seq;
    if (current() !== incidentId) ui = { ...emptyCandidatesUi(), view: { kind: 'loading', incidentId } };
    else if (ui.view?.kind !== 'ok') ui.view = { kind: 'loading', incidentId };
    if (ui.assigning === null) ui.error = null;
    options.changed();
    try {
      const list = await api.candidates(incidentId);
      if (mine !== seq) return;
      ui.view = { kind: 'ok', incidentId, list: { ...list, candidates: list.candidates ?? [], excluded: list.excluded ?? [] } };
    } catch (error) {
      if (mine !== seq) return;
      ui.view = { kind: 'error', incidentId, message: describe(error) };
    }
    options.changed();
  }

  async function assign(crewId?: number): Promise<void> {
    const incidentId = current();
    if (incidentId === null || ui.assigning !== null) return;
    const mine = seq;
    ui.assigning = crewId ?? 'best';
    ui.error = null;
    options.changed();
    try {
      const offer = await api.assign(incidentId, crewId);
      if (mine !== seq) return;
      ui.assigning = null;
      ui.offered = offer;
      options.changed();
      options.assigned(offer);
    } catch (error) {
      if (mine !== seq) return;
      ui.assigning = null;
      ui.error = describe(error);
      options.changed();
    }
  }

  return {
    get ui() {
      return ui;
    },
    handlers: {
      assign: (crewId) => void assign(crewId),
      refresh() {
        const id = current();
        if (id !== null && ui.assigning === null) void load(id);
      },
      toggleExcluded() {
        ui.excludedOpen = !ui.excludedOpen;
        options.changed();
      },
    },
    load,
    reset() {
      seq++;
      ui = emptyCandidatesUi();
    },
  };
}
