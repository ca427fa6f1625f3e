import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { I18n } from '../i18n';
import { MemoryStorage } from '../ready';
import { FakeElement, installFakeDom } from '../testing/fakeDom';
import type { CircuitView, LampView } from '../types';
import { createLampPanel, renderLampPanel, type CircuitState, type LampHandlers } from './lampPanel';

let body: FakeElement;

beforeEach(() => {
  body = installFakeDom();
});
afterEach(() => vi.unstubAllGlobals());

const zh = () => new I18n(new MemoryStorage());
const MARKUP = '<b>LED 路灯</b><script>alert("x")</script>';

const CIRCUIT = '36070301060000003-2';

const lamp = (over: Partial<LampView> = {}): LampView => ({
  code: '36070301037000123',
  component: '01037',
  lon: 115.41,
  lat: 25.95,
  status: 'faulty',
  unitGridCode: '360703001001001',
  circuitSeq: 7,
  // A resident-typed or imported text: markup in it is shown as text.
  poleCode: '<img src=x onerror=alert(1)>P-7',
  lampType: MARKUP,
  powerW: 150,
  installedOn: '2019-06-01',
  circuit: { code: CIRCUIT, lamps: 32, lampsFaulty: 3, status: 'faulty' },
  cabinet: { code: '36070301060000003', lon: 115.4, lat: 25.95, status: 'normal', circuits: 4 },
  openReports: [
    { id: 501, status: 'registered', category: '01037', assetKind: 'lamp', assetCode: '36070301037000123', faultId: 777, reportedAt: '2026-11-24T00:30:00Z', teamId: 9 },
    { id: 502, status: 'reported', category: '<i>01037</i>', assetCode: '36070301037000123', reportedAt: '2026-11-24T01:00:00Z' },
  ],
  ...over,
});

const circuitView = (): CircuitView => ({
  code: CIRCUIT,
  status: 'faulty',
  lamps: [
    { code: 'a', seq: 1, lon: 115.41, lat: 25.95, status: 'faulty' },
    { code: 'b', seq: 2, lon: 115.411, lat: 25.95, status: 'normal' },
    { code: 'c', seq: 3, lon: 115.412, lat: 25.95, status: 'faulty' },
  ],
  path: { type: 'LineString', coordinates: [[115.41, 25.95], [115.411, 25.95], [115.412, 25.95]] },
  openFaults: [{ id: 777, status: 'registered', category: '01037', assetKind: 'circuit', assetCode: CIRCUIT, reportedAt: '2026-11-24T01:10:00Z', teamId: 4 }],
  openReports: [],
});

function rendered(view: LampView, circuit: CircuitState = { kind: 'none' }, i18n = zh(), on: Partial<LampHandlers> = {}): FakeElement {
  const root = new FakeElement('aside');
  const handlers: LampHandlers = { close() {}, openIncident() {}, toggleCircuit() {}, ...on };
  root.append(...(renderLampPanel({ kind: 'ok', lamp: view }, circuit, i18n, handlers) as unknown as FakeElement[]));
  return root;
}

const field = (root: FakeElement, name: string) => root.querySelector(`dd[data-field=${name}]`)?.textContent;

describe('renderLampPanel', () => {
  it('shows a lamp in Chinese: code, status, type, power, install date, circuit and cabinet', () => {
    const root = rendered(lamp());
    expect(root.querySelector('.lamp-title')!.textContent).toBe('路灯 36070301037000123');
    expect(root.querySelector('.lamp-status')!.textContent).toBe('故障');
    expect(field(root, 'code')).toBe('36070301037000123');
    expect(field(root, 'status')).toBe('故障');
    expect(field(root, 'component')).toBe('路灯（01037）');
    expect(field(root, 'power')).toBe('150 瓦');
    expect(field(root, 'installedOn')).toBe('2019-06-01');
    expect(field(root, 'circuit')).toBe(CIRCUIT);
    expect(field(root, 'circuitSeq')).toBe('7');
    expect(field(root, 'circuitLamps')).toBe('32 盏，其中故障 3 盏');
    expect(field(root, 'circuitStatus')).toBe('故障');
    expect(field(root, 'cabinet')).toBe('36070301060000003（正常，4 个回路）');
    expect(root.querySelector('.lamp-show-circuit')!.textContent).toBe('显示回路');
  });

  it('puts every server text in literally, markup included', () => {
    const root = rendered(lamp());
    expect(field(root, 'lampType')).toBe(MARKUP);
    expect(field(root, 'pole')).toBe('<img src=x onerror=alert(1)>P-7');
    expect(root.querySelector('.lamp-case[data-id=502] .lamp-case-kind')!.textContent).toBe('<i>01037</i>');
    for (const tag of ['b', 'i', 'script', 'img']) expect(root.querySelectorAll(tag), tag).toHaveLength(0);
  });

  it('lists the open reports, each opening its incident; an absorbed one names its fault', () => {
    const opened: number[] = [];
    const root = rendered(lamp(), { kind: 'none' }, zh(), { openIncident: (id) => opened.push(id) });
    const cases = root.querySelectorAll('.lamp-reports .lamp-case');
    expect(cases.map((c) => c.getAttribute('data-id'))).toEqual(['501', '502']);
    expect(cases[0]!.textContent).toBe('案件 #501 路灯报修 已立案 2026-11-24 08:30已并入 #777');
    expect(cases[0]!.hasAttribute('data-absorbed')).toBe(true);
    expect(cases[1]!.hasAttribute('data-absorbed')).toBe(false);
    cases[1]!.fire('click');
    expect(opened).toEqual([502]);
    const none = rendered(lamp({ openReports: [] }));
    expect(none.querySelector('.lamp-reports')).toBeNull();
    expect(none.querySelector('.incident-empty')!.textContent).toBe('暂无未办结的报修');
  });

  it('shows a cabinet as a cabinet, with no circuit of its own', () => {
    const cab = lamp({ code: '36070301060000003', component: '01060', status: 'normal', circuit: null, circuitSeq: null, lampType: null, powerW: null, poleCode: null, openReports: [] });
    cab.cabinet = { code: cab.code, lon: 115.4, lat: 25.95, status: 'normal', circuits: 4 };
    const root = rendered(cab);
    expect(root.querySelector('.lamp-title')!.textContent).toBe('配电箱 36070301060000003');
    expect(field(root, 'component')).toBe('配电箱（01060）');
    for (const name of ['circuit', 'power', 'lampType', 'pole', 'cabinet']) expect(field(root, name), name).toBeUndefined();
    expect(root.querySelector('.lamp-show-circuit')).toBeNull();
  });

  it('shows the circuit once loaded: its lamps, faults, and the button to hide it', () => {
    const opened: number[] = [];
    const root = rendered(lamp(), { kind: 'ok', circuit: circuitView() }, zh(), { openIncident: (id) => opened.push(id) });
    expect(root.querySelector('.lamp-show-circuit')!.textContent).toBe('隐藏回路');
    expect(root.querySelector('.lamp-circuit-summary')!.textContent).toBe('共 3 盏灯，故障 2 盏，未办结报修 0 件');
    const faults = root.querySelectorAll('.lamp-faults .lamp-case');
    expect(faults.map((f) => f.querySelector('.lamp-case-kind')!.textContent)).toEqual(['回路故障']);
    faults[0]!.fire('click');
    expect(opened).toEqual([777]);
    const failed = rendered(lamp(), { kind: 'error', code: CIRCUIT, message: '<b>boom</b>' });
    expect(failed.querySelector('.lamp-circuit .incident-error')!.textContent).toBe('回路加载失败：<b>boom</b>');
  });

  it('speaks English too', () => {
    const i18n = zh();
    i18n.set('en');
    const root = rendered(lamp(), { kind: 'none' }, i18n);
    expect(root.querySelector('.lamp-title')!.textContent).toBe('Lamp 36070301037000123');
    expect(field(root, 'status')).toBe('Faulty');
    expect(field(root, 'power')).toBe('150 W');
    expect(root.querySelector('.lamp-show-circuit')!.textContent).toBe('Show circuit');
  });
});

describe('createLampPanel', () => {
  function setup(lampFor: (code: string) => Promise<LampView> = async () => lamp()) {
    const container = new FakeElement('aside');
    container.hidden = true;
    const drawn: Array<[string | null, string | null]> = [];
    const opened: number[] = [];
    const asked: string[] = [];
    const panel = createLampPanel({
      container: container as unknown as HTMLElement,
      api: {
        lamp: lampFor,
        circuit: async (code) => {
          asked.push(code);
          return circuitView();
        },
      },
      i18n: zh(),
      describe: (e) => (e instanceof ApiError ? e.detail : String(e)),
      openIncident: (id) => opened.push(id),
      draw: (l, c) => drawn.push([l?.code ?? null, c?.code ?? null]),
    });
    return { container, panel, drawn, opened, asked };
  }

  it('opens a lamp, draws its circuit on demand, hides it, closes', async () => {
    const { container, panel, drawn, asked } = setup();
    await panel.open('36070301037000123');
    expect(container.hidden).toBe(false);
    expect(container.dataset.state).toBe('ok');
    expect(body.dataset.lampOpen).toBe('36070301037000123');
    expect(body.dataset.lampStatus).toBe('faulty');
    expect(panel.currentCode).toBe('36070301037000123');

    await panel.showCircuit();
    expect(asked).toEqual([CIRCUIT]);
    expect(body.dataset.circuitShown).toBe(CIRCUIT);
    const button = container.querySelector('.lamp-show-circuit')!;
    expect(button.getAttribute('data-shown')).toBe('true');
    button.fire('click'); // hide it again
    expect(body.dataset.circuitShown).toBeUndefined();

    panel.close();
    expect(container.hidden).toBe(true);
    expect(body.dataset.lampOpen).toBeUndefined();
    expect(drawn).toEqual([
      [null, null],
      ['36070301037000123', null],
      ['36070301037000123', CIRCUIT],
      ['36070301037000123', null],
      [null, null],
    ]);
  });

  it('shows the server detail when a lamp cannot be loaded', async () => {
    const { container, panel } = setup(async () => {
      throw new ApiError(404, 'Not Found', 'There is no lamp or cabinet 36070301037999999.');
    });
    await expect(panel.open('36070301037999999')).rejects.toBeInstanceOf(ApiError);
    expect(container.dataset.state).toBe('error');
    expect(container.querySelector('.incident-error')!.textContent).toBe('加载失败：There is no lamp or cabinet 36070301037999999.');
    expect(body.dataset.lampOpen).toBeUndefined();
  });

  it('keeps only the latest of two quick opens', async () => {
    let release: (v: LampView) => void = () => undefined;
    const slow = new Promise<LampView>((r) => (release = r));
    const { panel } = setup((code) => (code === 'slow' ? slow : Promise.resolve(lamp({ code }))));
    const first = panel.open('slow');
    await panel.open('36070301037000999');
    release(lamp({ code: 'slow' }));
    await first;
    expect(body.dataset.lampOpen).toBe('36070301037000999');
  });
});
