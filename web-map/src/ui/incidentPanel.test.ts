import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { I18n } from '../i18n';
import { MemoryStorage } from '../ready';
import type { CandidateList, IncidentDetail, Offer, TransitionRequest } from '../types';
import { FakeElement, installFakeDom } from '../testing/fakeDom';
import { createIncidentPanel, emptyUi, historyItem, orderText, renderIncidentPanel, type PanelHandlers } from './incidentPanel';

let body: FakeElement;

beforeEach(() => {
  body = installFakeDom();
});
afterEach(() => vi.unstubAllGlobals());

const zh = () => new I18n(new MemoryStorage());
const MARKUP = '<b>井盖</b>缺失<script>alert("x")</script>';

const detail = (over: Partial<IncidentDetail> = {}): IncidentDetail => ({
  id: 42,
  status: 'inProgress',
  category: { code: '01012', name: '<i>井盖缺失</i>', nameEn: 'Missing manhole cover' },
  source: 'hotline',
  lon: 115.41,
  lat: 25.95,
  description: MARKUP,
  channel: 'web',
  unitGridCode: '360781001001',
  largeGridCode: 'LG01',
  teamId: 3,
  teamName: '<u>第三班组</u>',
  role: 'municipal',
  routing: { rule: 'inGrid', distanceM: null, note: '位于单元网格 <em>360781001001</em>' },
  duplicateOf: null,
  duplicateCount: 0,
  reportedAt: '2026-11-24T00:30:00Z',
  updatedAt: '2026-11-24T02:00:00Z',
  deadline: '2026-11-24T08:00:00Z',
  deadlineRule: '2 workHours',
  overdue: true,
  handlerCrewId: 5,
  handlerName: '张三',
  score: null,
  reworkCount: 0,
  history: [
    { at: '2026-11-24T00:30:00Z', actor: 'hotline', action: 'report', from: null, to: 'reported', note: MARKUP },
    { at: '2026-11-24T01:00:00Z', actor: 'dispatcher', actorRole: 'dispatcher', action: 'dispatch', from: 'reported', to: 'dispatched' },
    { at: '2026-11-24T01:30:00Z', actor: 'crew03', crewId: 5, action: 'accept', from: 'dispatched', to: 'accepted', note: '<img src=x onerror=alert(1)>' },
    { at: '2026-11-24T02:00:00Z', actor: 'crew03', crewId: 5, action: 'start', from: 'accepted', to: 'inProgress' },
  ],
  availableActions: ['handle', 'sendBack'],
  ...over,
});

const noop: PanelHandlers = { close() {}, action() {}, submit() {}, cancel() {}, draft() {} };

function rendered(d: IncidentDetail, i18n = zh()): FakeElement {
  const root = new FakeElement('aside');
  root.append(...(renderIncidentPanel({ kind: 'ok', detail: d }, emptyUi(), i18n, noop) as unknown as FakeElement[]));
  return root;
}

describe('renderIncidentPanel', () => {
  it('shows the fields in Chinese, with Beijing times and the overdue badge', () => {
    const root = rendered(detail());
    const field = (name: string) => root.querySelector(`dd[data-field=${name}]`)?.textContent;
    expect(root.querySelector('.incident-title')!.textContent).toBe('案件 #42');
    expect(root.querySelector('.incident-status')!.textContent).toBe('处置中');
    expect(root.querySelector('.incident-overdue')!.textContent).toBe('已超期');
    expect(field('status')).toBe('处置中');
    expect(field('deadline')).toBe('2026-11-24 16:00');
    expect(field('reportedAt')).toBe('2026-11-24 08:30');
    expect(field('source')).toBe('热线');
    expect(field('handler')).toBe('张三');
    expect(field('score')).toBeUndefined();
  });

  it('puts every server text in literally, markup included', () => {
    const root = rendered(detail());
    const field = (name: string) => root.querySelector(`dd[data-field=${name}]`)?.textContent;
    expect(field('description')).toBe(MARKUP);
    expect(field('category')).toBe('<i>井盖缺失</i>');
    expect(field('team')).toBe('<u>第三班组</u>');
    expect(field('routing')).toBe('位于单元网格 <em>360781001001</em>');
    // None of that markup became elements.
    for (const tag of ['b', 'i', 'u', 'em', 'script', 'img']) expect(root.querySelectorAll(tag), tag).toHaveLength(0);
  });

  it('lists one <li> per history entry: time, actor, action, from → to, note', () => {
    const root = rendered(detail());
    const items = root.querySelectorAll('#incident-history li');
    expect(items).toHaveLength(4);
    expect(items.map((li) => li.getAttribute('data-action'))).toEqual(['report', 'dispatch', 'accept', 'start']);
    const accept = items[2]!;
    expect(accept.querySelector('time')!.textContent).toBe('2026-11-24 09:30');
    expect(accept.querySelector('time')!.getAttribute('datetime')).toBe('2026-11-24T01:30:00Z');
    expect(accept.querySelector('.incident-history-actor')!.textContent).toBe('crew03');
    expect(accept.querySelector('.incident-history-action')!.textContent).toBe('接单');
    expect(accept.querySelector('.incident-history-transition')!.textContent).toBe('已派遣 → 已接单');
    expect(accept.querySelector('.incident-history-note')!.textContent).toBe('<img src=x onerror=alert(1)>');
    expect(items[0]!.querySelector('.incident-history-note')!.textContent).toBe(MARKUP);
    expect(items[0]!.querySelector('.incident-history-action')!.textContent).toBe('上报');
    expect(items[1]!.querySelector('.incident-history-note')).toBeNull();
  });

  it('renders a history item on its own', () => {
    const li = historyItem({ at: '2026-11-24T00:00:00Z', actor: 'system', action: 'escalate', from: 'dispatched', to: 'dispatched' }, zh()) as unknown as FakeElement;
    expect(li.tagName).toBe('li');
    expect(li.textContent).toBe('2026-11-24 08:00 系统 督办 已派遣');
  });

  it('has one button per available action, labelled in the current language', () => {
    const i18n = zh();
    let buttons = rendered(detail(), i18n).querySelectorAll('button.incident-action');
    expect(buttons.map((b) => [b.getAttribute('data-action'), b.textContent])).toEqual([
      ['handle', '处置完成'],
      ['sendBack', '回退'],
    ]);
    i18n.set('en');
    buttons = rendered(detail(), i18n).querySelectorAll('button.incident-action');
    expect(buttons.map((b) => b.textContent)).toEqual(['Mark handled', 'Send back']);
    const none = rendered(detail({ availableActions: [] }));
    expect(none.querySelectorAll('.incident-action')).toHaveLength(0);
    expect(none.querySelector('.incident-empty')).not.toBeNull();
    expect(none.querySelector('.incident-overdue')).not.toBeNull();
    expect(rendered(detail({ overdue: false })).querySelector('.incident-overdue')).toBeNull();
  });
});

describe('createIncidentPanel', () => {
  function setup(transition: (id: number, body: TransitionRequest) => Promise<IncidentDetail>, incident = async (_id: number) => detail()) {
    const container = new FakeElement('aside');
    container.hidden = true;
    const changed: IncidentDetail[] = [];
    const selected: Array<number | null> = [];
    const posted: TransitionRequest[] = [];
    const panel = createIncidentPanel({
      container: container as unknown as HTMLElement,
      api: {
        incident,
        transition: (id, body) => {
          posted.push(body);
          return transition(id, body);
        },
      },
      i18n: zh(),
      describe: (e) => (e instanceof ApiError ? e.detail : String(e)),
      onChanged: (d) => changed.push(d),
      onSelect: (id) => selected.push(id),
    });
    return { container, panel, changed, selected, posted };
  }
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it('opens an incident and flags it on <body>', async () => {
    const { container, panel, selected } = setup(async () => detail());
    await panel.open(42);
    expect(container.hidden).toBe(false);
    expect(container.dataset.state).toBe('ok');
    expect(container.dataset.status).toBe('inProgress');
    expect(body.dataset.incidentOpen).toBe('42');
    expect(body.dataset.incidentStatus).toBe('inProgress');
    expect(panel.currentId).toBe(42);
    container.querySelector('.incident-close')!.fire('click');
    expect(container.hidden).toBe(true);
    expect(body.dataset.incidentOpen).toBeUndefined();
    expect(selected).toEqual([42, null]);
  });

  it('shows a load failure and rejects', async () => {
    const { container, panel } = setup(async () => detail(), async () => {
      throw new ApiError(404, 'Not Found', 'There is no incident 9.');
    });
    await expect(panel.open(9)).rejects.toBeInstanceOf(ApiError);
    expect(container.dataset.state).toBe('error');
    expect(container.querySelector('.incident-error')!.textContent).toBe('案件加载失败：There is no incident 9.');
    expect(body.dataset.incidentOpen).toBeUndefined();
  });

  it('asks for a note, posts the transition and re-renders with the answer', async () => {
    const { container, panel, changed, posted } = setup(async (_id, req) => detail({ status: 'handled', availableActions: ['verify'], history: [...detail().history, { at: '2026-11-24T03:00:00Z', actor: 'crew03', action: req.action, from: 'inProgress', to: 'handled', note: req.note ?? null }] }));
    await panel.open(42);
    container.querySelector('button.incident-action[data-action=handle]')!.fire('click');
    const form = container.querySelector('form.incident-form[data-action=handle]')!;
    expect(form).not.toBeNull();
    container.querySelector('form.incident-form')!.fire('submit');
    expect(posted).toHaveLength(0);
    expect(container.querySelector('.incident-error')!.textContent).toBe('请填写说明');
    expect(container.querySelector('.incident-error')!.hidden).toBe(false);

    const note = container.querySelector('.incident-note')!;
    note.value = '<b>已更换</b>井盖';
    note.fire('input');
    container.querySelector('form.incident-form')!.fire('submit');
    await flush();
    expect(posted).toEqual([{ action: 'handle', note: '<b>已更换</b>井盖' }]);
    expect(container.dataset.status).toBe('handled');
    expect(body.dataset.incidentStatus).toBe('handled');
    expect(changed).toHaveLength(1);
    expect(container.querySelector('form.incident-form')).toBeNull();
    expect(container.querySelectorAll('#incident-history li')).toHaveLength(5);
    expect(container.querySelector('#incident-history li[data-action=handle] .incident-history-note')!.textContent).toBe('<b>已更换</b>井盖');
    expect(container.querySelectorAll('button.incident-action').map((b) => b.getAttribute('data-action'))).toEqual(['verify']);
  });

  it('posts an action that needs nothing at once, and shows the problem detail when refused', async () => {
    const { container, panel, changed, posted } = setup(async () => {
      throw new ApiError(409, 'Not possible in this state', '案件已被他人处理，请刷新后重试 <b>!</b>');
    }, async () => detail({ status: 'dispatched', availableActions: ['accept'] }));
    await panel.open(42);
    container.querySelector('button.incident-action[data-action=accept]')!.fire('click');
    expect(container.querySelector('button.incident-action')!.hasAttribute('disabled')).toBe(true);
    await flush();
    expect(posted).toEqual([{ action: 'accept' }]);
    expect(changed).toHaveLength(0);
    const error = container.querySelector('.incident-error')!;
    expect(error.hidden).toBe(false);
    expect(error.textContent).toBe('案件已被他人处理，请刷新后重试 <b>!</b>');
    expect(error.querySelectorAll('b')).toHaveLength(0);
    expect(container.querySelector('button.incident-action')!.hasAttribute('disabled')).toBe(false);
    expect(container.dataset.status).toBe('dispatched');
  });

  it('verify asks for a 1–5 score', async () => {
    const { container, panel, posted } = setup(async () => detail({ status: 'verified' }), async () => detail({ status: 'handled', availableActions: ['verify'] }));
    await panel.open(42);
    container.querySelector('button.incident-action[data-action=verify]')!.fire('click');
    expect(container.querySelector('.incident-note')).toBeNull();
    const score = container.querySelector('input.incident-score')!;
    score.value = '9';
    score.fire('input');
    container.querySelector('form.incident-form')!.fire('submit');
    expect(container.querySelector('.incident-error')!.textContent).toBe('请给出 1 到 5 的评分');
    container.querySelector('input.incident-score')!.value = '5';
    container.querySelector('input.incident-score')!.fire('input');
    container.querySelector('form.incident-form')!.fire('submit');
    await flush();
    expect(posted).toEqual([{ action: 'verify', score: 5 }]);
  });

  it('ignores a stale answer after another incident was opened', async () => {
    let release!: (d: IncidentDetail) => void;
    const first = new Promise<IncidentDetail>((r) => (release = r));
    const { container, panel } = setup(async () => detail(), async (id) => (id === 1 ? first : detail({ id: 2 })));
    const opening = panel.open(1);
    await panel.open(2);
    release(detail({ id: 1 }));
    await opening;
    expect(body.dataset.incidentOpen).toBe('2');
    expect(container.querySelector('.incident-title')!.textContent).toBe('案件 #2');
  });
});

describe('candidates (admin, dispatcher)', () => {
  const list = (over: Partial<CandidateList> = {}): CandidateList => ({
    incidentId: 42,
    candidates: [
      { crewId: 5, name: '<b>张三</b>', teamId: 3, teamName: '第三班组', role: 'municipal', distanceM: 420, etaS: 300, byRoad: true, straightM: 310 },
      { crewId: 8, name: '王五', teamId: 4, teamName: '第四班组', role: 'municipal', distanceM: 2600, etaS: 900, byRoad: false, straightM: 2600 },
    ],
    excluded: [
      { crewId: 9, name: '李四', reason: 'offShift', detail: 'Li Si is on the late shift <i>today</i>.' },
      { crewId: 11, name: '赵六', reason: 'stale', detail: null },
    ],
    ...over,
  });
  const offer = (crewId: number, crewName: string): Offer => ({
    id: 1,
    incidentId: 42,
    crewId,
    crewName,
    status: 'pending',
    offeredAt: '2026-11-24T04:30:00Z',
    expiresAt: '2026-11-24T04:32:00Z',
    distanceM: 420,
    etaS: 300,
    byRoad: true,
  });
  const flush = async () => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
  };

  function setup(opts: { enabled?: boolean; incident?: () => IncidentDetail; assign?: (id: number, crewId?: number) => Promise<Offer>; candidates?: () => Promise<CandidateList> } = {}) {
    const container = new FakeElement('aside');
    const calls = { incident: 0, candidates: 0, assign: [] as Array<[number, number | undefined]> };
    const panel = createIncidentPanel({
      container: container as unknown as HTMLElement,
      api: {
        incident: async () => {
          calls.incident++;
          return (opts.incident ?? (() => detail({ status: 'registered', availableActions: ['dispatch'] })))();
        },
        transition: async () => detail(),
      },
      i18n: zh(),
      describe: (e) => (e instanceof ApiError ? e.detail : String(e)),
      dispatch: {
        api: {
          candidates: async () => {
            calls.candidates++;
            return (opts.candidates ?? (async () => list()))();
          },
          assign: (id, crewId) => {
            calls.assign.push([id, crewId]);
            return (opts.assign ?? (async (_id: number, c?: number) => offer(c ?? 5, c === 8 ? '王五' : '张三')))(id, crewId);
          },
        },
        enabled: () => opts.enabled ?? true,
      },
    });
    return { container, panel, calls };
  }

  it('lists the candidates best first: name, team, distance, ETA, by road or straight, each with 指派', async () => {
    const { container, panel, calls } = setup();
    await panel.open(42);
    await flush();
    expect(calls.candidates).toBe(1);
    const section = container.querySelector('section.incident-candidates')!;
    expect(section.getAttribute('data-state')).toBe('ok');
    expect(section.querySelector('h3')!.textContent).toBe('候选人员');
    const rows = container.querySelectorAll('li.candidate');
    expect(rows.map((r) => r.getAttribute('data-crew-id'))).toEqual(['5', '8']);
    expect(rows[0]!.querySelector('.candidate-name')!.textContent).toBe('<b>张三</b>');
    expect(rows[0]!.querySelector('.candidate-team')!.textContent).toBe('第三班组');
    expect(rows[0]!.querySelector('.candidate-distance')!.textContent).toBe('420 米');
    expect(rows[0]!.querySelector('.candidate-distance')!.getAttribute('title')).toBe('直线距离 310 米');
    expect(rows[0]!.querySelector('.candidate-eta')!.textContent).toBe('约 5 分钟');
    expect(rows[0]!.querySelector('.candidate-basis')!.textContent).toBe('按道路');
    expect(rows[1]!.querySelector('.candidate-distance')!.textContent).toBe('2.6 公里');
    expect(rows[1]!.querySelector('.candidate-basis')!.textContent).toBe('直线');
    expect(rows[0]!.querySelector('button.candidate-assign')!.textContent).toBe('指派');
    expect(container.querySelector('button.candidates-assign-best')!.textContent).toBe('指派最近');
    expect(container.querySelectorAll('b')).toHaveLength(0);
  });

  it('keeps the excluded crews collapsed, with Chinese reasons and the server sentence as detail', async () => {
    const { container, panel } = setup();
    await panel.open(42);
    await flush();
    const toggle = container.querySelector('button.candidates-excluded-toggle')!;
    expect(toggle.textContent).toBe('▸ 未入选人员（2）');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(container.querySelector('ul.candidates-excluded')!.hidden).toBe(true);
    toggle.fire('click');
    expect(container.querySelector('ul.candidates-excluded')!.hidden).toBe(false);
    const items = container.querySelectorAll('li.excluded');
    expect(items.map((li) => [li.getAttribute('data-reason'), li.querySelector('.excluded-reason')!.textContent])).toEqual([
      ['offShift', '不在岗'],
      ['stale', '定位过旧'],
    ]);
    expect(items[0]!.getAttribute('title')).toBe('Li Si is on the late shift <i>today</i>.');
    expect(items[0]!.querySelector('.excluded-detail')!.textContent).toBe('Li Si is on the late shift <i>today</i>.');
    expect(items[1]!.querySelector('.excluded-detail')).toBeNull();
    expect(container.querySelectorAll('i')).toHaveLength(0);
  });

  it('assigns a candidate, then reloads the incident (its history shows the offer) and the candidates', async () => {
    let offered = false;
    const { container, panel, calls } = setup({
      incident: () =>
        detail({
          status: 'registered',
          availableActions: ['dispatch'],
          history: offered ? [{ at: '2026-11-24T04:30:00Z', actor: 'dispatcher', action: 'offer', from: 'registered', to: 'registered', note: '王五' }] : [],
        }),
      assign: async (_id, crewId) => {
        offered = true;
        return offer(crewId!, '王五');
      },
    });
    await panel.open(42);
    await flush();
    container.querySelector('button.candidate-assign[data-crew-id=8]')!.fire('click');
    expect(container.querySelector('button.candidate-assign[data-crew-id=8]')!.textContent).toBe('指派中…');
    expect(container.querySelector('button.candidates-assign-best')!.hasAttribute('disabled')).toBe(true);
    await flush();
    expect(calls.assign).toEqual([[42, 8]]);
    expect(calls.incident).toBe(2);
    expect(calls.candidates).toBe(2);
    expect(container.querySelector('.candidates-offered')!.textContent).toBe('已向 王五 发出指派，12:32:00 前未答复即超时');
    const item = container.querySelector('#incident-history li[data-action=offer]')!;
    expect(item.querySelector('.incident-history-action')!.textContent).toBe('指派');
  });

  it('指派最近 sends no crew; a refusal shows the problem detail', async () => {
    const { container, panel, calls } = setup({
      assign: async () => {
        throw new ApiError(409, 'Conflict', 'Nobody is on shift for this role.');
      },
    });
    await panel.open(42);
    await flush();
    container.querySelector('button.candidates-assign-best')!.fire('click');
    await flush();
    expect(calls.assign).toEqual([[42, undefined]]);
    const error = container.querySelector('.candidates-error')!;
    expect(error.hidden).toBe(false);
    expect(error.textContent).toBe('Nobody is on shift for this role.');
    expect(container.querySelector('button.candidates-assign-best')!.hasAttribute('disabled')).toBe(false);
  });

  it('shows a failed candidates load, and "nobody" for an empty list', async () => {
    const failing = setup({ candidates: async () => Promise.reject(new ApiError(403, 'Forbidden', 'Only dispatchers.')) });
    await failing.panel.open(42);
    await flush();
    expect(failing.container.querySelector('.candidates-load-error')!.textContent).toBe('候选人员加载失败：Only dispatchers.');
    const empty = setup({ candidates: async () => list({ candidates: [], excluded: [] }) });
    await empty.panel.open(42);
    await flush();
    expect(empty.container.querySelector('.candidates-none')!.textContent).toBe('暂无可指派的人员');
    expect(empty.container.querySelector('button.candidates-assign-best')!.hasAttribute('disabled')).toBe(true);
    expect(empty.container.querySelector('.candidates-excluded-toggle')).toBeNull();
  });

  it('is not there for other roles, nor for an incident already handled', async () => {
    const other = setup({ enabled: false });
    await other.panel.open(42);
    await flush();
    expect(other.calls.candidates).toBe(0);
    expect(other.container.querySelector('.incident-candidates')).toBeNull();
    const handled = setup({ incident: () => detail({ status: 'handled', availableActions: ['verify'] }) });
    await handled.panel.open(42);
    await flush();
    expect(handled.calls.candidates).toBe(0);
    expect(handled.container.querySelector('.incident-candidates')).toBeNull();
  });

  it('reload() fetches quietly and keeps a form whose action is still possible', async () => {
    let status = 'registered';
    const { container, panel, calls } = setup({ incident: () => detail({ status, availableActions: ['dispatch', 'void'] }) });
    await panel.open(42);
    await flush();
    container.querySelector('button.incident-action[data-action=void]')!.fire('click');
    container.querySelector('.incident-note')!.value = '重复';
    container.querySelector('.incident-note')!.fire('input');
    status = 'dispatched';
    await panel.reload();
    await flush();
    expect(calls.incident).toBe(2);
    expect(container.dataset.status).toBe('dispatched');
    expect(container.dataset.state).toBe('ok');
    expect(container.querySelector('form.incident-form[data-action=void] .incident-note')!.value).toBe('重复');
  });
});

describe('offer history labels', () => {
  it('names the offer entries in Chinese', () => {
    const labels = ['offer', 'offerAccepted', 'offerDeclined', 'offerExpired'].map(
      (action) => (historyItem({ at: '2026-11-24T00:00:00Z', actor: 'system', action, to: 'dispatched' }, zh()) as unknown as FakeElement).querySelector('.incident-history-action')!.textContent,
    );
    expect(labels).toEqual(['指派', '接受指派', '拒绝指派', '指派超时']);
  });
});

describe('community orders on the case', () => {
  it('names the steps of the three orders in the history', () => {
    const labels = ['order', 'take', 'done', 'score', 'unclaimed'].map(
      (action) => (historyItem({ at: '2026-12-02T00:00:00Z', actor: 'community', action, to: 'dispatched' }, zh()) as unknown as FakeElement).querySelector('.incident-history-action')!.textContent,
    );
    expect(labels).toEqual(['社区派单', '成员接单', '成员完成', '社区评分', '无人接单，转网格']);
  });

  it('says where the order stands, and nothing when there is none', () => {
    const base = { id: 1, status: 'accepted', category: { code: '06002', name: '积存垃圾渣土' }, source: 'community', lon: 0, lat: 0, reportedAt: '2026-12-02T00:00:00Z', overdue: false, history: [], availableActions: [] } as unknown as IncidentDetail;
    expect(orderText(base, zh())).toBeNull();
    expect(orderText({ ...base, order: { id: 3, community: '360799001001', status: 'taken', memberName: '廖建华' } }, zh())).toBe('#3 · 360799001001 · 已接单 · 廖建华');
    expect(orderText({ ...base, order: { id: 4, community: '360799001001', status: 'someday' } }, zh())).toBe('#4 · 360799001001 · someday');
  });
});
