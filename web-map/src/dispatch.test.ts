import { describe, expect, it } from 'vitest';
import {
  canDispatch,
  canOffer,
  candidateRow,
  clockTime,
  EXCLUSION_REASONS,
  exclusionLabel,
  excludedRow,
  formatDistance,
  formatEta,
} from './dispatch';
import { I18n } from './i18n';
import { MemoryStorage } from './ready';
import type { Candidate } from './types';

const zh = () => new I18n(new MemoryStorage());
const en = () => {
  const i18n = zh();
  i18n.set('en');
  return i18n;
};

const candidate = (over: Partial<Candidate> = {}): Candidate => ({
  crewId: 5,
  name: '张三',
  teamId: 1,
  teamName: '城东班组',
  role: 'municipal',
  distanceM: 1234,
  etaS: 250,
  byRoad: true,
  straightM: 860,
  ...over,
});

describe('who may dispatch, and what', () => {
  it('admin and dispatcher only', () => {
    expect(canDispatch(['admin'])).toBe(true);
    expect(canDispatch(['crew', 'Dispatcher'])).toBe(true);
    expect(canDispatch(['crew', 'leader', 'planner'])).toBe(false);
    expect(canDispatch([])).toBe(false);
    expect(canDispatch(null)).toBe(false);
  });

  it('no offers once the work is done, checked or void', () => {
    for (const s of ['reported', 'registered', 'dispatched', 'unrouted', 'accepted', 'inProgress', 'parked']) expect(canOffer(s), s).toBe(true);
    for (const s of ['handled', 'verified', 'closed', 'voided']) expect(canOffer(s), s).toBe(false);
    expect(canOffer(undefined)).toBe(false);
  });
});

describe('formatting', () => {
  it('distances in metres below a kilometre, in km from there', () => {
    const i18n = zh();
    expect(formatDistance(i18n, 0)).toBe('0 米');
    expect(formatDistance(i18n, 849.6)).toBe('850 米');
    expect(formatDistance(i18n, 1000)).toBe('1.0 公里');
    expect(formatDistance(i18n, 1234)).toBe('1.2 公里');
    expect(formatDistance(i18n, 12_600)).toBe('13 公里');
    expect(formatDistance(i18n, Number.NaN)).toBe('—');
    expect(formatDistance(en(), 1234)).toBe('1.2 km');
    expect(formatDistance(en(), 80)).toBe('80 m');
  });

  it('ETAs in whole minutes, at least one', () => {
    expect(formatEta(zh(), 250)).toBe('约 4 分钟');
    expect(formatEta(zh(), 10)).toBe('约 1 分钟');
    expect(formatEta(en(), 3600)).toBe('~60 min');
    expect(formatEta(zh(), null)).toBe('—');
  });

  it('clock times in Beijing time with seconds', () => {
    expect(clockTime('2026-11-24T04:31:05Z')).toBe('12:31:05');
    expect(clockTime('2026-11-24T04:31:05.1234567Z')).toBe('12:31:05');
    expect(clockTime('junk')).toBe('');
    expect(clockTime(null)).toBe('');
  });
});

describe('rows', () => {
  it('a candidate: name, team, role, distance, ETA, by road or straight line', () => {
    expect(candidateRow(candidate(), zh())).toEqual({
      name: '张三',
      team: '城东班组',
      role: '市政',
      distance: '1.2 公里',
      eta: '约 4 分钟',
      basis: '按道路',
      straight: '直线距离 860 米',
      support: '',
    });
    expect(candidateRow(candidate({ support: true }), zh()).support).toBe('跨网格支援');
    const straight = candidateRow(candidate({ byRoad: false, name: '', teamName: '' }), en());
    expect(straight.basis).toBe('straight line');
    expect(straight.name).toBe('#5');
    expect(straight.team).toBe('#1');
  });

  it('labels every exclusion reason in Chinese, unknown ones as they are', () => {
    const i18n = zh();
    expect(EXCLUSION_REASONS.map((r) => exclusionLabel(i18n, r))).toEqual([
      '不在岗',
      '岗位不对口',
      '任务已满',
      '定位过旧',
      '无定位',
      '已拒绝',
      '已指派待答复',
    ]);
    expect(exclusionLabel(i18n, 'onLeave')).toBe('onLeave');
    expect(exclusionLabel(en(), 'stale')).toBe('Position too old');
  });

  it('an excluded crew member keeps the server sentence as detail', () => {
    expect(excludedRow({ crewId: 3, name: '李四', reason: 'offShift', detail: 'Li Si works the late shift.' }, zh())).toEqual({
      name: '李四',
      reason: '不在岗',
      detail: 'Li Si works the late shift.',
    });
    expect(excludedRow({ crewId: 3, name: '', reason: 'stale', detail: null }, zh())).toEqual({ name: '#3', reason: '定位过旧', detail: '' });
  });
});
