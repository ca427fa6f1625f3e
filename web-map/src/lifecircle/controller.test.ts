import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { COVERAGE, OUTLINES, setupLifeCircle } from '../testing/fakeLifeCircle';
import { gapsOf } from './controller';

describe('life-circle controller', () => {
  it('opens with the classes, facilities and ranking; proposes a name for the first class', async () => {
    const { c, sink, calls } = setupLifeCircle();
    await c.open();
    expect(c.state.loaded).toBe(true);
    expect(c.state.classes).toHaveLength(4);
    expect(c.state.communities?.map((x) => x.code)).toEqual(['C1', 'C2']);
    expect(c.state.place).toMatchObject({ class: 'kindergarten', name: '规划幼儿园', nameEdited: false });
    expect(sink.facilities).toHaveBeenCalledWith(c.state.facilities, c.state.classes);
    expect(sink.levels).toHaveBeenCalledWith([5, 10, 15]);
    await c.open();
    expect(calls.filter(([n]) => n === 'classes')).toHaveLength(1);
  });

  it('a failed load says so in the server\'s words', async () => {
    const { c } = setupLifeCircle({ communities: async () => { throw new ApiError(500, 'Error', 'database is down'); } });
    await c.open();
    expect(c.state.loaded).toBe(false);
    expect(c.state.loadError).toBe('生活圈数据加载失败：database is down');
  });

  it('a click draws the three bands from there', async () => {
    const { c, sink, calls } = setupLifeCircle();
    await c.open();
    await c.clickMap(115.41, 25.95);
    expect(calls.find(([n]) => n === 'isochrone')).toEqual(['isochrone', 115.41, 25.95]);
    expect(c.state.iso.state).toBe('ok');
    expect(c.state.iso.bands?.features.map((f) => f.properties.minutes)).toEqual([15, 10, 5]);
    expect(sink.bands).toHaveBeenLastCalledWith(c.state.iso.bands, [115.41, 25.95]);
    c.clearIsochrone();
    expect(sink.bands).toHaveBeenLastCalledWith(null, null);
    expect(c.state.iso.state).toBe('idle');
  });

  it('422: no bands, the server\'s detail in the notice', async () => {
    const { c, sink } = setupLifeCircle({ isochrone: async () => { throw new ApiError(422, 'Unprocessable', 'no walkable road within 300 m'); } });
    await c.open();
    await c.isochroneAt(115.2, 25.8);
    expect(c.state.iso).toMatchObject({ state: 'error', bands: null, notice: { kind: 'offRoad', status: 422, text: '该位置附近没有可步行的道路：no walkable road within 300 m' } });
    expect(sink.bands).toHaveBeenLastCalledWith(null, [115.2, 25.8]);
  });

  it('only the latest click\'s answer is drawn', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const { c, sink } = setupLifeCircle({
      isochrone: async (lon) => {
        if (lon === 1) await slow;
        return { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[lon, 0], [lon + 1, 0], [lon, 1], [lon, 0]]] }, properties: { minutes: 5, metres: 300 } }] };
      },
    });
    await c.open();
    const first = c.isochroneAt(1, 0);
    await c.isochroneAt(2, 0);
    release();
    await first;
    expect(c.state.iso.at).toEqual([2, 0]);
    expect(vi.mocked(sink.bands).mock.calls.at(-1)![1]).toEqual([2, 0]);
  });

  it('opens a community: its outline zoomed to, the coverage, the worst class\'s gaps drawn', async () => {
    const { c, sink } = setupLifeCircle();
    await c.open();
    await c.openCommunity('C1');
    expect(c.state.tab).toBe('coverage');
    expect(sink.community).toHaveBeenCalledWith(OUTLINES.features[0]!.geometry, true);
    expect(c.state.community).toMatchObject({ code: 'C1', loading: false, error: null });
    expect(c.state.gapClass).toBe('kindergarten');
    expect(sink.gaps).toHaveBeenLastCalledWith(gapsOf(COVERAGE, 'kindergarten'));
    expect(gapsOf(COVERAGE, 'kindergarten')!.features.map((f) => f.properties.buildings)).toEqual([90]);
    c.chooseGapClass('pharmacy');
    expect(vi.mocked(sink.gaps).mock.calls.at(-1)![0]!.features.map((f) => f.properties.class)).toEqual(['pharmacy']);
  });

  it('an unknown community: the 404\'s detail', async () => {
    const { c } = setupLifeCircle({ coverage: async () => { throw new ApiError(404, 'Not Found', 'no community C9'); } });
    await c.open();
    await c.openCommunity('C9');
    expect(c.state.community).toMatchObject({ code: 'C9', loading: false, error: '未找到：no community C9', coverage: null });
  });

  it('colours the buildings by a class, with the tile version', async () => {
    const { c, sink } = setupLifeCircle();
    await c.open();
    c.setBuildingClass('kindergarten');
    expect(sink.buildings).toHaveBeenLastCalledWith('kindergarten', 1);
    c.setBuildingClass('');
    expect(sink.buildings).toHaveBeenLastCalledWith(null, 1);
  });

  it('places a facility where the map is clicked, then refreshes what it changes and shows what moved', async () => {
    const { c, sink, calls, setCoverage } = setupLifeCircle();
    c.setCanPlace(true);
    await c.open();
    await c.openCommunity('C1');
    c.setBuildingClass('kindergarten');
    c.setPlaceName('');
    c.startPlacing();
    expect(c.state.place.error).toBe('请填写设施名称');
    expect(c.state.tool).toBe('isochrone');
    c.setPlaceName('东门新幼儿园');
    c.startPlacing();
    expect(c.state.tool).toBe('place');
    expect(sink.tool).toHaveBeenLastCalledWith('place');
    setCoverage({ ...COVERAGE, classes: COVERAGE.classes.map((x) => (x.class === 'kindergarten' ? { ...x, buildingsCovered: 80 } : x)) });
    const before = calls.length;
    await c.clickMap(0.5, 0.25);
    expect(calls.slice(before).map(([n]) => n).sort()).toEqual(['addFacility', 'communities', 'coverage', 'facilities']);
    expect(calls.find(([n]) => n === 'addFacility')).toEqual(['addFacility', { class: 'kindergarten', name: '东门新幼儿园', lon: 0.5, lat: 0.25 }]);
    expect(c.state.notice).toMatchObject({ ok: true, kind: 'ok', text: '已放置“东门新幼儿园”，覆盖情况已刷新' });
    expect(c.state.tool).toBe('isochrone');
    expect(c.state.tilesVersion).toBe(2);
    expect(sink.buildings).toHaveBeenLastCalledWith('kindergarten', 2);
    expect(c.state.community?.previous?.classes.find((x) => x.class === 'kindergarten')?.buildingsCovered).toBe(30);
    expect(c.state.community?.coverage?.classes.find((x) => x.class === 'kindergarten')?.buildingsCovered).toBe(80);
    expect(c.state.place).toMatchObject({ name: '规划幼儿园', nameEdited: false });
  });

  it('a refused placement keeps the tool and says why; a leader cannot place at all', async () => {
    const { c } = setupLifeCircle({ addFacility: async () => { throw new ApiError(400, 'Bad', 'the point lies outside every community'); } });
    await c.open();
    c.startPlacing();
    expect(c.state.tool).toBe('isochrone');
    c.setCanPlace(true);
    c.startPlacing();
    await c.clickMap(9, 9);
    expect(c.state.notice).toMatchObject({ ok: false, text: '放置失败：the point lies outside every community' });
    expect(c.state.tool).toBe('place');
    c.setCanPlace(false);
    expect(c.state.tool).toBe('isochrone');
  });

  it('deletes a facility and refreshes', async () => {
    const { c, calls } = setupLifeCircle();
    c.setCanPlace(true);
    await c.open();
    expect(await c.deleteFacility(1, '东门幼儿园')).toBe(true);
    expect(calls.find(([n]) => n === 'deleteFacility')).toEqual(['deleteFacility', 1]);
    expect(c.state.notice?.text).toBe('已删除设施“东门幼儿园”，覆盖情况已刷新');
    expect(c.state.tilesVersion).toBe(2);
  });

  it('the proposed name follows the class and the language until one is typed', async () => {
    const { c, i18n } = setupLifeCircle();
    await c.open();
    c.setPlaceClass('middle_school');
    expect(c.state.place.name).toBe('规划中学');
    i18n.set('en');
    c.relabel();
    expect(c.state.place.name).toBe('Planned Middle school');
    c.setPlaceName('My school');
    expect(c.state.notice).toBeNull();
    c.setPlaceClass('kindergarten');
    expect(c.state.place.name).toBe('My school');
  });

  it('notices follow the language', async () => {
    const { c, i18n } = setupLifeCircle({ isochrone: async () => { throw new ApiError(422, 'Unprocessable', 'No walkable road lies within 200 m'); } });
    c.setCanPlace(true);
    await c.open();
    await c.isochroneAt(1, 1);
    await c.deleteFacility(2, '一中');
    i18n.set('en');
    c.relabel();
    expect(c.state.iso.notice?.text).toBe('No walkable road near this point: No walkable road lies within 200 m');
    expect(c.state.notice?.text).toBe('Deleted “一中”; the coverage has been refreshed');
  });

  it('forgets everything on reset; late answers are dropped', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const { c, sink } = setupLifeCircle({ isochrone: async () => (await slow, { type: 'FeatureCollection', features: [] }) });
    await c.open();
    const pending = c.isochroneAt(1, 1);
    c.reset();
    release();
    await pending;
    expect(c.state.loaded).toBe(false);
    expect(c.state.iso.state).toBe('idle');
    expect(vi.mocked(sink.bands).mock.calls.every((call) => call[0] === null)).toBe(true);
  });
});
