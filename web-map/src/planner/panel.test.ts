import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { I18n } from '../i18n';
import { MemoryStorage } from '../ready';
import { FakeElement, installFakeDom } from '../testing/fakeDom';
import { setupPlanner } from '../testing/fakePlanner';
import { renderPanel } from './panel';

let body: FakeElement;
beforeEach(() => {
  body = installFakeDom();
});
afterEach(() => vi.unstubAllGlobals());

async function shown(planId: number) {
  const { c, calls } = setupPlanner();
  const container = new FakeElement('aside');
  const i18n = new I18n(new MemoryStorage());
  const draw = () => renderPanel(container as unknown as HTMLElement, c, i18n, () => undefined);
  await c.open();
  await c.selectPlan(planId);
  draw();
  const click = (selector: string) => {
    const node = container.querySelector(selector);
    if (!node) throw new Error(`no ${selector}`);
    node.fire('click');
    draw();
  };
  return { c, calls, container, draw, click, i18n };
}

describe('planner panel', () => {
  it('shows the plan, its status and version, and the 草稿 / 已发布 switch', async () => {
    const { container } = await shown(2);
    const current = container.querySelector('.planner-current')!;
    expect(current.getAttribute('data-status')).toBe('draft');
    expect(current.getAttribute('data-version')).toBe('7');
    expect(current.querySelector('.planner-status')!.textContent).toBe('草稿');
    expect(container.querySelector('button[data-switch=draft]')!.getAttribute('aria-pressed')).toBe('true');
    expect(container.querySelector('button[data-action=publish]')).not.toBeNull();
    expect(body.dataset.plannerPlan).toBe('2');
    expect(container.querySelectorAll('button.planner-tab').map((b) => b.textContent)).toEqual(['方案', '编辑', '校验1', '均衡', '对比', '历史']);
    const rows = container.querySelectorAll('table[data-table=plans] tr[data-plan-id]');
    expect(rows.map((r) => [r.getAttribute('data-plan-id'), r.querySelector('.planner-status')!.textContent])).toEqual([['2', '草稿'], ['1', '已发布']]);
  });

  it('a published plan has no edit tab and no publish button', async () => {
    const { container } = await shown(1);
    expect(container.querySelector('button.planner-tab[data-tab=edit]')!.hasAttribute('disabled')).toBe(true);
    expect(container.querySelector('button[data-action=publish]')).toBeNull();
  });

  it('lists the problems; a click selects one', async () => {
    const { c, container, click } = await shown(2);
    click('button.planner-tab[data-tab=problems]');
    expect(container.querySelector('.planner-validity')!.getAttribute('data-valid')).toBe('false');
    const item = container.querySelector('li.planner-problem[data-kind=gap]')!;
    expect(item.querySelector('.planner-problem-kind')!.textContent).toBe('缝隙');
    expect(item.querySelector('.planner-problem-codes')!.textContent).toBe('U1、U2');
    click('li.planner-problem[data-idx=0] button');
    expect(c.state.selectedProblem).toBe(0);
    expect(container.querySelector('li.planner-problem[data-idx=0]')!.getAttribute('aria-current')).toBe('true');
  });

  it('the balance table shows the published value beside the draft\'s', async () => {
    const { container, click } = await shown(2);
    click('button.planner-tab[data-tab=balance]');
    const row = container.querySelector('table[data-table=balance] tr[data-code=L01]')!;
    expect(row.getAttribute('data-change')).toBe('changed');
    const cell = row.querySelector('td[data-col=unitGrids]')!;
    expect(cell.querySelector('.planner-after')!.textContent).toBe('1');
    expect(cell.querySelector('.planner-before')!.textContent).toBe('2 (−1)');
    expect(row.querySelector('td[data-col=deviation]')!.getAttribute('data-class')).toBe('balanced');
  });

  it('the edit tab: tools, undo disabled without history, the assign tool\'s target and picks', async () => {
    const { c, container, click, draw } = await shown(2);
    click('button.planner-tab[data-tab=edit]');
    expect(container.querySelector('button[data-action=undo]')!.hasAttribute('disabled')).toBe(true);
    click('button.planner-tool[data-tool=assign]');
    expect(container.querySelector('.planner-tool-panel')!.getAttribute('data-tool')).toBe('assign');
    container.querySelector('select[name=target]')!.type('L02');
    c.clickGrid({ unit: { code: 'U1', name: '单元一', parentCode: 'L01' } });
    draw();
    expect(container.querySelector('.planner-picks')!.textContent).toBe('已选 1 个：U1');
    click('button[data-action=apply-assign]');
    await new Promise((r) => setTimeout(r, 0));
    expect(c.state.plan?.version).toBe(8);
  });

  it('the publish dialog says how many open cases move', async () => {
    const { c, container, draw } = await shown(2);
    await c.openPublish();
    draw();
    const dialog = container.querySelector('.planner-dialog[data-dialog=publish]')!;
    expect(dialog.querySelector('.planner-publish-moving')!.getAttribute('data-moving')).toBe('2');
    expect(dialog.querySelector('.planner-publish-moving')!.textContent).toContain('2 件未结案件将改派');
    // The fake plan has a gap: publishing is blocked and the problem listed.
    expect(dialog.querySelector('.planner-publish-blocked')!.textContent).toContain('1 个问题');
    expect(dialog.querySelector('button[data-action=confirm-publish]')!.hasAttribute('disabled')).toBe(true);
  });

  it('the import dialog lists a bad file\'s problems per feature', async () => {
    const { c, container, draw } = await shown(2);
    c.openImport();
    c.updateImport({ errors: { 'feature 3 (code)': ['empty'], file: ['no .prj'] }, error: 'bad' });
    draw();
    const rows = container.querySelectorAll('.planner-dialog[data-dialog=import] table[data-table=import-errors] tr[data-key]');
    expect(rows.map((r) => r.children.map((td) => td.textContent))).toEqual([
      ['整个文件', '—', 'no .prj'],
      ['第 3 个要素', 'code', 'empty'],
    ]);
  });
});
