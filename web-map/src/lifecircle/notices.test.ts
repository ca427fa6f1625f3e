import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { I18n } from '../i18n';
import { MemoryStorage } from '../ready';
import { actionNotice, isochroneNotice } from './notices';

const i18n = new I18n(new MemoryStorage());

describe('life-circle failures', () => {
  it('422: the point is too far from a walkable road, in the server\'s words', () => {
    const n = isochroneNotice(new ApiError(422, 'Unprocessable', 'The point is 840 m from the nearest walkable road (at most 300 m).'), i18n);
    expect(n).toMatchObject({ ok: false, kind: 'offRoad', status: 422, text: '该位置附近没有可步行的道路：The point is 840 m from the nearest walkable road (at most 300 m).' });
    expect(isochroneNotice(new ApiError(422, 'Unprocessable', ''), i18n).text).toBe('该位置离可步行的道路太远，无法计算等时圈');
  });

  it('400 is a bad request, other failures say the isochrone failed, no answer says so', () => {
    expect(isochroneNotice(new ApiError(400, 'Bad', 'minutes: 7 is not a band'), i18n)).toMatchObject({ kind: 'badRequest', text: '等时圈请求有误：minutes: 7 is not a band' });
    expect(isochroneNotice(new ApiError(500, 'Error', 'boom'), i18n)).toMatchObject({ kind: 'error', status: 500, text: '等时圈计算失败：boom' });
    expect(isochroneNotice(new ApiError(0, 'network', 'Failed to fetch'), i18n)).toMatchObject({ kind: 'network', text: '无法连接服务器，请检查网络' });
    expect(isochroneNotice(new Error('x'), i18n)).toMatchObject({ kind: 'error', text: '等时圈计算失败：x' });
  });

  it('other calls: refusals and missing things named, the rest framed by the action', () => {
    expect(actionNotice(new ApiError(403, 'Forbidden', 'Only planners place facilities.'), i18n, 'lc.place.failed').text).toBe('没有权限：Only planners place facilities.');
    expect(actionNotice(new ApiError(404, 'Not Found', 'No community 9.'), i18n, 'lc.coverage.failed').text).toBe('未找到：No community 9.');
    expect(actionNotice(new ApiError(400, 'Bad', 'class: unknown'), i18n, 'lc.place.failed')).toMatchObject({ kind: 'badRequest', text: '放置失败：class: unknown' });
    expect(actionNotice(new ApiError(422, 'x', 'outside the county'), i18n, 'lc.place.failed')).toMatchObject({ kind: 'error', text: '放置失败：outside the county' });
  });
});
