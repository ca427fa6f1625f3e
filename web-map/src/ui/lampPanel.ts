import type { Api } from '../api';
import type { I18n, StringKey } from '../i18n';
import { formatShanghai, statusLabel } from '../incidents';
import { CABINET_COMPONENT } from '../theme';
import type { CaseRef, CircuitView, LampView } from '../types';
import { el } from './dom';
import './incident.css';
import './lamp.css';

/** What the panel shows: a lamp or cabinet (`GET /api/streetlights/{code}`). */
export type LampPanelView =
  | { kind: 'loading'; code: string }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'ok'; lamp: LampView };

/** The lamp's circuit, after "show circuit" (`GET /api/circuits/{code}`). */
export type CircuitState =
  | { kind: 'none' }
  | { kind: 'loading'; code: string }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'ok'; circuit: CircuitView };

export interface LampHandlers {
  close(): void;
  openIncident(id: number): void;
  /** Shows the circuit (fetches and draws it), or hides it when shown. */
  toggleCircuit(): void;
}

const KNOWN_STATUSES = ['normal', 'faulty', 'off'];
const KNOWN_KINDS = ['lamp', 'circuit', 'cabinet'];

/** 正常 / 故障 / 已关闭; anything else as it came. */
export const lampStatusLabel = (i18n: I18n, status: string | null | undefined): string =>
  !status ? i18n.t('popup.none') : KNOWN_STATUSES.includes(status) ? i18n.t(`lamp.status.${status}` as StringKey) : status;

/** 路灯报修 / 回路故障 / 配电箱故障; the category code for a case about no known asset kind. */
export const caseKindLabel = (i18n: I18n, c: Pick<CaseRef, 'assetKind' | 'category'>): string =>
  c.assetKind && KNOWN_KINDS.includes(c.assetKind) ? i18n.t(`lamp.kind.${c.assetKind}` as StringKey) : c.category || i18n.t('popup.none');

export const isCabinet = (lamp: Pick<LampView, 'component'>): boolean => lamp.component?.trim() === CABINET_COMPONENT;

const has = (v: unknown): boolean => v !== null && v !== undefined && !(typeof v === 'string' && !v.trim());

/** The rows of the field list: [field, label key, value]; rows with nothing to say are left out. */
export function lampFields(lamp: LampView, i18n: I18n): Array<[string, StringKey, string]> {
  const c = lamp.circuit;
  const cab = lamp.cabinet;
  const rows: Array<[string, StringKey, string | null]> = [
    ['code', 'lamp.code', lamp.code],
    ['status', 'lamp.status', lampStatusLabel(i18n, lamp.status)],
    ['component', 'lamp.component', i18n.t(isCabinet(lamp) ? 'lamp.componentCabinet' : 'lamp.componentLamp')],
    ['lampType', 'lamp.type', has(lamp.lampType) ? String(lamp.lampType) : null],
    ['power', 'lamp.power', has(lamp.powerW) ? i18n.t('lamp.powerValue', { w: Number(lamp.powerW) }) : null],
    ['installedOn', 'lamp.installedOn', has(lamp.installedOn) ? String(lamp.installedOn) : null],
    ['pole', 'lamp.pole', has(lamp.poleCode) ? String(lamp.poleCode) : null],
    ['unitGrid', 'lamp.unitGrid', has(lamp.unitGridCode) ? String(lamp.unitGridCode) : null],
    ['circuit', 'lamp.circuit', c ? c.code : isCabinet(lamp) ? null : i18n.t('lamp.noCircuit')],
    ['circuitSeq', 'lamp.circuitSeq', c && has(lamp.circuitSeq) ? String(lamp.circuitSeq) : null],
    ['circuitLamps', 'lamp.circuitLamps', c ? i18n.t('lamp.circuitLampsValue', { n: c.lamps, faulty: c.lampsFaulty }) : null],
    ['circuitStatus', 'lamp.circuitStatus', c ? lampStatusLabel(i18n, c.status) : null],
    [
      'cabinet',
      'lamp.cabinet',
      cab && cab.code !== lamp.code ? i18n.t('lamp.cabinetValue', { code: cab.code, status: lampStatusLabel(i18n, cab.status), n: cab.circuits }) : null,
    ],
  ];
  return rows.filter((r): r is [string, StringKey, string] => r[2] !== null);
}

/** One open case: a button that opens it in the incident panel; every server string as text. */
export function caseItem(c: CaseRef, i18n: I18n, on: Pick<LampHandlers, 'openIncident'>): HTMLLIElement {
  const button = el(
    'button',
    { type: 'button', class: 'lamp-case', 'data-id': String(c.id), 'data-kind': c.assetKind ?? '', 'data-absorbed': has(c.faultId) },
    el('span', { class: 'lamp-case-id' }, i18n.t('lamp.case', { id: c.id })),
    ' ',
    el('span', { class: 'lamp-case-kind' }, caseKindLabel(i18n, c)),
    ' ',
    el('span', { class: 'lamp-case-status', 'data-status': c.status }, statusLabel(i18n, c.status)),
    ' ',
    el('time', { class: 'lamp-case-time', datetime: c.reportedAt }, formatShanghai(c.reportedAt)),
    has(c.faultId) ? el('span', { class: 'lamp-case-absorbed' }, i18n.t('lamp.absorbedInto', { id: Number(c.faultId) })) : null,
  );
  button.addEventListener('click', () => on.openIncident(c.id));
  return el('li', {}, button);
}

function caseList(cases: readonly CaseRef[] | undefined, cls: string, emptyKey: StringKey, i18n: I18n, on: LampHandlers): HTMLElement {
  if (!cases?.length) return el('p', { class: 'incident-empty' }, i18n.t(emptyKey));
  return el('ul', { class: `lamp-cases ${cls}` }, ...cases.map((c) => caseItem(c, i18n, on)));
}

/** The circuit section of a lamp: summary, the show/hide button, and once loaded its open faults. */
function circuitSection(lamp: LampView, circuit: CircuitState, i18n: I18n, on: LampHandlers): HTMLElement | null {
  const c = lamp.circuit;
  if (!c) return null;
  const shown = circuit.kind === 'ok' || circuit.kind === 'loading';
  const button = el(
    'button',
    { type: 'button', class: 'lamp-show-circuit', 'data-shown': String(circuit.kind === 'ok'), disabled: circuit.kind === 'loading' },
    i18n.t(shown ? 'lamp.hideCircuit' : 'lamp.showCircuit'),
  );
  button.addEventListener('click', () => on.toggleCircuit());
  const section = el('section', { class: 'incident-section lamp-circuit', 'data-code': c.code }, el('h3', {}, i18n.t('lamp.circuitTitle', { code: c.code })), button);
  if (circuit.kind === 'loading') section.append(el('p', { class: 'lamp-circuit-message' }, i18n.t('lamp.circuitLoading')));
  else if (circuit.kind === 'error') {
    section.append(el('p', { class: 'incident-error', role: 'alert' }, i18n.t('lamp.circuitFailed', { detail: circuit.message })));
  } else if (circuit.kind === 'ok') {
    const v = circuit.circuit;
    const faulty = v.lamps.filter((l) => l.status !== 'normal').length;
    section.append(
      el(
        'p',
        { class: 'lamp-circuit-summary', 'data-lamps': String(v.lamps.length) },
        i18n.t('lamp.circuitSummary', { n: v.lamps.length, faulty, reports: v.openReports?.length ?? 0 }),
      ),
      el('h4', {}, i18n.t('lamp.faults')),
      caseList(v.openFaults, 'lamp-faults', 'lamp.faultsEmpty', i18n, on),
    );
  }
  return section;
}

/** The panel's content. Every server string goes in as a text node (el()), never as HTML. */
export function renderLampPanel(view: LampPanelView, circuit: CircuitState, i18n: I18n, on: LampHandlers): HTMLElement[] {
  const code = view.kind === 'ok' ? view.lamp.code : view.code;
  const cabinet = view.kind === 'ok' && isCabinet(view.lamp);
  const close = el('button', { type: 'button', class: 'incident-close', title: i18n.t('lamp.close'), 'aria-label': i18n.t('lamp.close') }, '×');
  close.addEventListener('click', () => on.close());
  const header = el(
    'header',
    { class: 'incident-header' },
    el('h2', { class: 'lamp-title', 'data-code': code }, i18n.t(cabinet ? 'lamp.titleCabinet' : 'lamp.titleLamp', { code })),
    close,
  );
  if (view.kind === 'loading') return [header, el('p', { class: 'incident-message' }, i18n.t('lamp.loading'))];
  if (view.kind === 'error') {
    return [header, el('p', { class: 'incident-message incident-error', role: 'alert' }, i18n.t('lamp.failed', { detail: view.message }))];
  }

  const lamp = view.lamp;
  const badges = el('div', { class: 'incident-badges' }, el('span', { class: 'lamp-status', 'data-status': lamp.status }, lampStatusLabel(i18n, lamp.status)));
  const fields = el('dl', { class: 'incident-fields' });
  for (const [field, key, value] of lampFields(lamp, i18n)) {
    fields.append(el('dt', { 'data-field': field }, i18n.t(key)), el('dd', { 'data-field': field }, value));
  }
  const reports = el(
    'section',
    { class: 'incident-section' },
    el('h3', {}, i18n.t('lamp.reports')),
    caseList(lamp.openReports, 'lamp-reports', 'lamp.reportsEmpty', i18n, on),
  );
  return [header, el('div', { class: 'incident-body' }, badges, fields, reports, circuitSection(lamp, circuit, i18n, on))];
}

export interface LampPanelOptions {
  /** `#lamp-detail`. */
  container: HTMLElement;
  api: Pick<Api, 'lamp' | 'circuit'>;
  i18n: I18n;
  describe: (error: unknown) => string;
  /** A case in the panel was clicked. */
  openIncident: (id: number) => void;
  /** What to draw on the map: the lamp shown (null: none) and its circuit once loaded (null: none). */
  draw: (lamp: LampView | null, circuit: CircuitView | null) => void;
}

export interface LampPanel {
  /** Fetches and shows lamp (or cabinet) `code`; rejects (after showing the failure) if it cannot be loaded. */
  open(code: string): Promise<void>;
  /** Fetches and draws the lamp's circuit (resolves once drawn; rejects on failure, shown in the panel). */
  showCircuit(): Promise<void>;
  close(): void;
  readonly currentCode: string | null;
}

/**
 * The lamp panel (`#lamp-detail`): a lamp or cabinet, its circuit and cabinet, its open reports (each opens the
 * incident), and its circuit drawn on demand. Sets `data-state` on the container, and `<body data-lamp-open="{code}"
 * data-lamp-status>` once shown, `data-circuit-shown="{code}"` while its circuit is drawn.
 */
export function createLampPanel(options: LampPanelOptions): LampPanel {
  const { container, api, i18n, describe } = options;
  const body = document.body;
  let view: LampPanelView | null = null;
  let circuit: CircuitState = { kind: 'none' };
  let seq = 0;

  const handlers: LampHandlers = {
    close: () => panel.close(),
    openIncident: (id) => options.openIncident(id),
    toggleCircuit() {
      if (circuit.kind === 'ok') {
        circuit = { kind: 'none' };
        render();
        if (view?.kind === 'ok') options.draw(view.lamp, null);
      } else void panel.showCircuit().catch(() => undefined);
    },
  };

  function render(): void {
    if (!view) {
      container.hidden = true;
      container.replaceChildren();
      delete container.dataset.state;
      delete body.dataset.lampOpen;
      delete body.dataset.lampStatus;
      delete body.dataset.circuitShown;
      return;
    }
    container.dataset.state = view.kind;
    container.replaceChildren(...renderLampPanel(view, circuit, i18n, handlers));
    container.hidden = false;
    if (view.kind === 'ok') {
      body.dataset.lampOpen = view.lamp.code;
      body.dataset.lampStatus = view.lamp.status;
    } else {
      delete body.dataset.lampOpen;
      delete body.dataset.lampStatus;
    }
    if (circuit.kind === 'ok') body.dataset.circuitShown = circuit.circuit.code;
    else delete body.dataset.circuitShown;
  }

  i18n.onChange(() => {
    if (view) render();
  });

  const panel: LampPanel = {
    async open(code) {
      const mine = ++seq;
      view = { kind: 'loading', code };
      circuit = { kind: 'none' };
      render();
      options.draw(null, null);
      try {
        const lamp = await api.lamp(code);
        if (mine !== seq) return;
        view = { kind: 'ok', lamp };
        render();
        options.draw(lamp, null);
      } catch (error) {
        if (mine !== seq) return;
        view = { kind: 'error', code, message: describe(error) };
        render();
        throw error;
      }
    },
    async showCircuit() {
      if (view?.kind !== 'ok' || !view.lamp.circuit) throw new Error('no circuit to show');
      const mine = ++seq;
      const lamp = view.lamp;
      const code = lamp.circuit!.code;
      circuit = { kind: 'loading', code };
      render();
      try {
        const loaded = await api.circuit(code);
        if (mine !== seq) return;
        circuit = { kind: 'ok', circuit: loaded };
        render();
        options.draw(lamp, loaded);
      } catch (error) {
        if (mine !== seq) return;
        circuit = { kind: 'error', code, message: describe(error) };
        render();
        throw error;
      }
    },
    close() {
      seq++;
      const wasOpen = view !== null;
      view = null;
      circuit = { kind: 'none' };
      render();
      if (wasOpen) options.draw(null, null);
    },
    get currentCode() {
      return view ? (view.kind === 'ok' ? view.lamp.code : view.code) : null;
    },
  };
  return panel;
}
