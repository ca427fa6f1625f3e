import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { installFakeDom } from '../testing/fakeDom';
import { draft, setupPlanner } from '../testing/fakePlanner';
import type { Plan } from './types';

beforeEach(() => {
  installFakeDom();
});
afterEach(() => vi.unstubAllGlobals());

describe('planner controller', () => {
  it('opens on the published plan with its grids, problems and balance, no baseline', async () => {
    const { c, sink } = setupPlanner();
    await c.open();
    expect(c.state.plan?.id).toBe(1);
    expect(c.state.grids?.unit.features.map((f) => f.properties.color)).toEqual([c.state.grids?.colors.get('L01'), c.state.grids?.colors.get('L02')]);
    expect(c.state.problems.map((p) => p.kind)).toEqual(['gap']);
    expect(c.state.baseline).toBeNull();
    expect(sink.grids).toHaveBeenCalled();
    expect(sink.problems).toHaveBeenCalled();
  });

  it('a draft is shown beside the published plan\'s balance, fetched once', async () => {
    const { c, calls } = setupPlanner();
    await c.open();
    const before = calls.length;
    await c.switchTo('draft');
    expect(c.state.plan?.id).toBe(2);
    expect(c.state.baseline?.[0]?.unitGrids).toBe(2);
    await c.selectPlan(2);
    expect(calls.slice(before).filter(([n, id]) => n === 'balance' && id === 1)).toHaveLength(1);
  });

  it('sends an edit on the plan\'s version and moves to the version the server answers', async () => {
    const { c, calls } = setupPlanner();
    await c.open();
    await c.selectPlan(2);
    c.chooseTool('assign');
    c.updateTool({ target: 'L02' });
    c.clickGrid({ unit: { code: 'U1', name: '单元一', parentCode: 'L01' } });
    c.clickGrid({ unit: { code: 'U2', name: '单元二', parentCode: 'L02' } });
    expect(c.state.tool.picks).toEqual(['U1', 'U2']);
    expect(await c.applyTool()).toBe(true);
    const edit = calls.find(([n]) => n === 'edit')!;
    expect(edit[2]).toEqual({ op: 'assign', baseVersion: 7, codes: ['U1'], largeGrid: 'L02' });
    expect(c.state.plan?.version).toBe(8);
    expect(c.state.tool).toMatchObject({ tool: 'assign', picks: [], target: 'L02' });
    expect(c.state.notice).toEqual({ ok: true, text: '已保存：did assign' });
    await c.undo();
    expect(calls.find(([n]) => n === 'undo')).toEqual(['undo', 2, 8]);
    expect(c.state.plan?.version).toBe(9);
  });

  it('a stale version: says another planner changed the plan and reloads it', async () => {
    const { c, setServer, calls } = setupPlanner({
      edit: async () => {
        throw new ApiError(409, 'Conflict', 'version 7 is not the plan\'s version 9');
      },
    });
    await c.open();
    await c.selectPlan(2);
    setServer({ version: 9 });
    c.chooseTool('rename');
    c.clickGrid({ unit: { code: 'U1', name: '单元一' } });
    c.updateTool({ name: '新名' });
    expect(await c.applyTool()).toBe(false);
    expect(c.state.notice).toEqual({ ok: false, text: '另一位规划员已修改此方案，已刷新' });
    expect(c.state.plan?.version).toBe(9);
    expect(calls.filter(([n]) => n === 'grids').length).toBeGreaterThanOrEqual(6);
  });

  it('a draft published meanwhile turns read-only; a refusal on the same version keeps the server\'s words', async () => {
    let refuse = 'published';
    const { c, setServer } = setupPlanner({
      undo: async () => {
        throw new ApiError(409, 'Conflict', 'nothing to undo');
      },
    });
    await c.open();
    await c.selectPlan(2);
    await c.undo();
    expect(c.state.notice).toEqual({ ok: false, text: 'nothing to undo' });
    setServer({ status: refuse as Plan['status'] });
    refuse = '';
    await c.undo();
    expect(c.state.notice?.text).toBe('此方案已不是草稿（已发布或已归档），已刷新为只读');
    expect(c.state.plan?.status).toBe('published');
  });

  it('checks an input before sending it', async () => {
    const { c, calls } = setupPlanner();
    await c.open();
    await c.selectPlan(2);
    c.chooseTool('merge');
    c.clickGrid({ unit: { code: 'U1', name: '' } });
    await c.applyTool();
    expect(c.state.notice).toEqual({ ok: false, text: '请至少选择 2 个相邻的单元网格' });
    expect(calls.some(([n]) => n === 'edit')).toBe(false);
  });

  it('an import\'s 400 stays in the dialog, by feature', async () => {
    const { c } = setupPlanner({
      importGrids: async () => {
        throw new ApiError(400, 'Bad', '文件有 1 处错误', { 'feature 3 (code)': ['empty'] });
      },
    });
    await c.open();
    await c.selectPlan(2);
    c.openImport();
    await c.importFile();
    expect(c.state.importForm?.missing).toBe(true);
    c.updateImport({ file: new File(['{}'], 'grids.geojson') });
    await c.importFile();
    expect(c.state.importForm?.errors).toEqual({ 'feature 3 (code)': ['empty'] });
    expect(c.state.importForm?.error).toBe('文件有 1 处错误');
    expect(c.state.notice).toBeNull();
  });

  it('publishing: the confirmation counts the cases that move; a refusal lists the problems', async () => {
    const refused = [{ kind: 'gap', codes: ['U1'], detail: 'gap' }];
    let refuse = true;
    const { c } = setupPlanner({
      publish: async (id) => {
        if (refuse) throw new ApiError(409, 'Conflict', 'invalid', {}, { problems: refused });
        return { plan: { ...draft, id, status: 'published' }, rerouted: 2, archivedPlanId: 1 };
      },
    });
    await c.open();
    await c.selectPlan(2);
    await c.openPublish();
    expect(c.state.publish).toMatchObject({ loading: false, moving: 2, buildings: 4 });
    await c.confirmPublish();
    expect(c.state.publish?.refused).toEqual(refused);
    refuse = false;
    c.state.publish!.refused = null;
    await c.confirmPublish();
    expect(c.state.publish).toBeNull();
    expect(c.state.notice?.text).toBe('已发布“调整草稿”，2 件案件已改派');
    expect(c.state.plan?.status).toBe('published');
  });

  it('names a newly chosen plan at once and shows none of the previous plan\'s figures while it loads', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let slow = false;
    const { c } = setupPlanner({
      balance: async (id) => {
        if (slow && id === 2) await gate;
        return [{ code: 'L01', areaKm2: 1, unitGrids: 1, buildings: 1, incidents12m: 1, deviation: 0 }];
      },
    });
    await c.open();
    expect(c.state.balance).not.toBeNull();
    slow = true;
    const loading = c.selectPlan(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(c.state.plan?.id).toBe(2);
    expect(c.state.loading).toBe(true);
    expect(c.state.balance).toBeNull();
    expect(c.state.problems).toEqual([]);
    release();
    await loading;
    expect(c.state.loading).toBe(false);
    expect(c.state.balance).not.toBeNull();
  });

  it('selecting a problem highlights it on the map', async () => {
    const { c, sink } = setupPlanner();
    await c.open();
    c.selectProblem(0);
    expect(sink.highlight).toHaveBeenLastCalledWith(expect.objectContaining({ idx: 0, kind: 'gap' }));
    c.selectProblem(null);
    expect(sink.highlight).toHaveBeenLastCalledWith(null);
  });
});
