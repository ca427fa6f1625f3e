import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { FakeElement, installFakeDom } from '../testing/fakeDom';
import { setupLifeCircle } from '../testing/fakeLifeCircle';
import type { LifeCircleApi } from './lifeCircleApi';
import { bodyAttributes, canPlaceFacilities, canSeeLifeCircles } from './lifeCircleView';
import { renderLifeCirclePanel } from './panel';

beforeEach(() => {
  installFakeDom();
});
afterEach(() => vi.unstubAllGlobals());

async function shown(over: Partial<LifeCircleApi> = {}, canPlace = false) {
  const setup = setupLifeCircle(over);
  const container = new FakeElement('aside');
  const draw = () => renderLifeCirclePanel(container as unknown as HTMLElement, setup.c, setup.i18n, () => undefined);
  setup.c.setCanPlace(canPlace);
  await setup.c.open();
  draw();
  const click = async (selector: string) => {
    const node = container.querySelector(selector);
    if (!node) throw new Error(`no ${selector}`);
    node.fire('click');
    await new Promise((r) => setTimeout(r, 0));
    draw();
  };
  return { ...setup, container, draw, click };
}

const texts = (nodes: FakeElement[]) => nodes.map((n) => n.textContent);

describe('life-circle panel', () => {
  it('ranks the communities by classes met with the counts and the worst class', async () => {
    const { container } = await shown();
    expect(texts(container.querySelectorAll('button.lc-tab'))).toEqual(['社区排名', '覆盖情况', '设施']);
    expect(container.querySelector('button.lc-tab[data-tab=coverage]')!.hasAttribute('disabled')).toBe(true);
    const rows = container.querySelectorAll('table[data-table=communities] tbody tr[data-code]');
    expect(rows.map((r) => [r.getAttribute('data-code'), r.getAttribute('data-rank')])).toEqual([['C2', '1'], ['C1', '2']]);
    const c1 = rows[1]!;
    expect(c1.querySelector('td[data-col=met] .lc-count')!.textContent).toBe('1/3');
    expect(c1.querySelector('td[data-col=met] .lc-share')!.textContent).toBe('33%');
    expect(c1.querySelector('td[data-col=worst]')!.textContent).toBe('幼儿园25%');
    expect(c1.querySelector('td[data-col=buildings]')!.textContent).toBe('120');
  });

  it('a community\'s coverage: every share with covered/total, required vs optional, the worst highlighted', async () => {
    const { container, click } = await shown();
    await click('button[data-action=open-community][data-code=C1]');
    expect(container.querySelector('.lc-content')!.getAttribute('data-tab')).toBe('coverage');
    const rows = container.querySelectorAll('table[data-table=coverage] tbody tr[data-class]');
    expect(rows.map((r) => [r.getAttribute('data-class'), r.querySelector('.lc-share')!.textContent, r.querySelector('.lc-count')!.textContent])).toEqual([
      ['kindergarten', '25%', '30/120'],
      ['primary_school', '83%', '100/120'],
      ['pharmacy', '3%', '3/120'],
      ['middle_school', '100%', '120/120'],
    ]);
    const worst = rows[0]!;
    expect(worst.getAttribute('data-worst')).toBe('true');
    expect(worst.classList.contains('lc-worst')).toBe(true);
    expect(worst.getAttribute('aria-current')).toBe('true');
    expect(texts(worst.querySelectorAll('.lc-chip'))).toEqual(['必配', '最差']);
    expect(texts(rows[2]!.querySelectorAll('.lc-chip'))).toEqual(['可选']);
    expect(worst.querySelector('.lc-bar-fill')!.style.width).toBe('25%');
    expect(worst.querySelector('td[data-col=level]')!.textContent).toBe('5 分钟');
    expect(container.querySelector('.lc-met')!.textContent).toBe('1/3 个必配类别达标');
    expect(container.querySelector('.lc-gap-line')!.textContent).toBe('地图上：幼儿园未覆盖的住宅（90 栋）');
    await click('button[data-action=show-gaps][data-class=pharmacy]');
    expect(container.querySelector('tr[data-class=pharmacy]')!.getAttribute('aria-current')).toBe('true');
  });

  it('the isochrone legend: three bands with metres; a 422 shows the server\'s detail', async () => {
    const { c, container, draw } = await shown();
    expect(container.querySelector('.lc-iso')!.getAttribute('data-state')).toBe('idle');
    await c.isochroneAt(115.4, 25.9);
    draw();
    const items = container.querySelectorAll('.lc-bands li');
    expect(texts(items)).toEqual(['5 分钟步行约 375 m', '10 分钟步行约 750 m', '15 分钟步行约 1,125 m']);
    expect(container.querySelector('.lc-iso')!.getAttribute('data-bands')).toBe('3');

    const failing = await shown({ isochrone: async () => { throw new ApiError(422, 'Unprocessable', '离最近的步行道路 820 米'); } });
    await failing.c.isochroneAt(115.2, 25.8);
    failing.draw();
    const notice = failing.container.querySelector('.lc-iso-notice')!;
    expect(notice.getAttribute('data-kind')).toBe('offRoad');
    expect(notice.getAttribute('data-status')).toBe('422');
    expect(notice.textContent).toBe('该位置附近没有可步行的道路：离最近的步行道路 820 米');
  });

  it('the building colouring legend has the fixed breaks', async () => {
    const { c, container, draw } = await shown();
    c.setBuildingClass('kindergarten');
    draw();
    const key = container.querySelector('.lc-distance')!;
    expect(key.querySelector('strong')!.textContent).toBe('到最近幼儿园的步行距离');
    expect(key.querySelectorAll('li').map((li) => li.getAttribute('data-class'))).toEqual(['le300', 'le500', 'le1000', 'beyond', 'unreachable']);
  });

  it('planners get the place form; leaders only the levels and colouring', async () => {
    const leader = await shown();
    await leader.click('button.lc-tab[data-tab=facilities]');
    expect(leader.container.querySelector('fieldset[data-section=place]')).toBeNull();
    expect(leader.container.querySelectorAll('input[name=level]')).toHaveLength(3);
    expect(leader.container.querySelector('label[data-level=5] [data-count]')!.textContent).toBe('1 处');

    const planner = await shown({}, true);
    await planner.click('button.lc-tab[data-tab=facilities]');
    expect(planner.container.querySelector('input[name=placeName]')!.value).toBe('规划幼儿园');
    await planner.click('button[data-action=start-placing]');
    expect(planner.c.state.tool).toBe('place');
    expect(planner.container.querySelector('.lc-placing')).not.toBeNull();
    expect(bodyAttributes(planner.c.state, true)).toMatchObject({ lifecircleOpen: 'true', lifecircleTool: 'place', lifecircleBands: '0', lifecircleFacilities: '2' });
  });

  it('switches to English', async () => {
    const { container, draw, i18n, click } = await shown();
    i18n.set('en');
    draw();
    expect(texts(container.querySelectorAll('button.lc-tab'))).toEqual(['Ranking', 'Coverage', 'Facilities']);
    await click('button[data-action=open-community][data-code=C1]');
    expect(container.querySelector('tr[data-class=kindergarten] .lc-link')!.textContent).toBe('Kindergarten');
    expect(texts(container.querySelector('tr[data-class=kindergarten]')!.querySelectorAll('.lc-chip'))).toEqual(['required', 'worst']);
  });

  it('says who gets the view and who may place', () => {
    expect(canSeeLifeCircles(['leader'])).toBe(true);
    expect(canSeeLifeCircles(['planner'])).toBe(true);
    expect(canSeeLifeCircles(['admin'])).toBe(true);
    expect(canSeeLifeCircles(['dispatcher', 'crew'])).toBe(false);
    expect(canPlaceFacilities(['leader'])).toBe(false);
    expect(canPlaceFacilities(['planner'])).toBe(true);
  });
});
