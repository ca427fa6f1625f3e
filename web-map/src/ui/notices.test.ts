import { describe, expect, it } from 'vitest';
import { I18n } from '../i18n';
import { MemoryStorage } from '../ready';
import { geofenceNotice, offeredIncident, offerNotice, type NoticeText } from './notices';

const zh = () => new I18n(new MemoryStorage());
const text = (i18n: I18n, n: NoticeText | null) => (n && 'key' in n ? i18n.t(n.key, n.params) : n?.text);

describe('live notices', () => {
  const left = { crewId: 5, crewName: '张三', largeGridCode: 'LG01', lon: 115.4, lat: 25.9, t: '2026-11-24T01:41:00Z', kind: 'left' as const };

  it('says who left or came back into which large grid, in Beijing time', () => {
    const i18n = zh();
    expect(text(i18n, geofenceNotice(left))).toBe('09:41 张三 离开责任大网格 LG01');
    expect(text(i18n, geofenceNotice({ ...left, kind: 'returned' }, (c) => (c === 'LG01' ? '城东大网格' : undefined)))).toBe('09:41 张三 回到责任大网格 城东大网格');
    expect(text(i18n, geofenceNotice({ ...left, crewName: '' }))).toBe('09:41 #5 离开责任大网格 LG01');
    i18n.set('en');
    expect(text(i18n, geofenceNotice(left))).toBe('09:41 张三 left their large grid LG01');
  });

  it('names the incident of an offer', () => {
    const i18n = zh();
    expect(offeredIncident({ id: 7, incidentId: 42 })).toBe(42);
    expect(offeredIncident({ id: 42 })).toBe(42);
    expect(offeredIncident({ incidentId: 'x' })).toBeNull();
    expect(text(i18n, offerNotice({ incidentId: 42, categoryName: '井盖缺失' }))).toBe('新的指派：案件 #42 井盖缺失');
    expect(offerNotice({})).toBeNull();
  });
});
