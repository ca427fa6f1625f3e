import { describe, expect, it } from 'vitest';
import { classIndex, className, countText, coverageLines, formatShare, rankCommunities, shareCell, shareClass } from './coverage';
import { CLASSES, COVERAGE } from '../testing/fakeLifeCircle';
import type { CommunitySummary, Coverage } from './types';

const index = classIndex(CLASSES);


describe('shares with their counts', () => {
  it('writes covered/total with thousands separated', () => {
    expect(countText(12, 40)).toBe('12/40');
    expect(countText(1204, 3000)).toBe('1,204/3,000');
    expect(countText(null, 3)).toBe('—');
  });

  it('never rounds a gap away nor invents coverage', () => {
    expect(formatShare(199, 200)).toBe('99%');
    expect(formatShare(200, 200)).toBe('100%');
    expect(formatShare(1, 300)).toBe('<1%');
    expect(formatShare(0, 300)).toBe('0%');
    expect(formatShare(1, 3)).toBe('33%');
    expect(formatShare(0, 0)).toBe('—');
    expect(formatShare(null, null, 0.424)).toBe('42%');
    expect(formatShare(null, null, null)).toBe('—');
  });

  it('classes shares with fixed breaks: met from 90 %, partial from 50 %', () => {
    expect(shareClass(0.9)).toBe('met');
    expect(shareClass(0.8999)).toBe('partial');
    expect(shareClass(0.5)).toBe('partial');
    expect(shareClass(0.49)).toBe('poor');
    expect(shareClass(null)).toBeNull();
  });

  it('marks a share of few buildings', () => {
    expect(shareCell(3, 4)).toEqual({ text: '75%', width: 75, cls: 'partial', count: '3/4', few: true });
    expect(shareCell(9, 10).few).toBe(false);
    expect(shareCell(0, 0)).toMatchObject({ text: '—', width: 0, cls: null, count: '0/0' });
  });

  it('names classes in the language shown, unknown ones by code', () => {
    expect(className('kindergarten', index, 'zh')).toBe('幼儿园');
    expect(className('kindergarten', index, 'en')).toBe('Kindergarten');
    expect(className('cinema', index, 'zh')).toBe('cinema');
    expect(className(null, index, 'zh')).toBe('—');
  });
});

describe('a community\'s coverage table', () => {
  it('orders by level, required before optional, marks the worst and gives every share its count', () => {
    const lines = coverageLines(COVERAGE, index, 'zh');
    expect(lines.map((l) => [l.name, l.level, l.required, l.worst, l.buildings.text, l.buildings.count])).toEqual([
      ['幼儿园', 5, true, true, '25%', '30/120'],
      ['小学', 10, true, false, '83%', '100/120'],
      ['药店', 10, false, false, '3%', '3/120'],
      ['中学', 15, true, false, '100%', '120/120'],
    ]);
    expect(lines[0]!.households).toBe('300/1,200');
    expect(lines.every((l) => l.delta === null)).toBe(true);
  });

  it('shows what moved since the coverage before (a facility placed)', () => {
    const after: Coverage = { ...COVERAGE, classes: COVERAGE.classes.map((c) => (c.class === 'kindergarten' ? { ...c, buildingsCovered: 75 } : c.class === 'pharmacy' ? { ...c, buildingsCovered: 1 } : c)) };
    const lines = coverageLines(after, index, 'en', COVERAGE);
    expect(lines.find((l) => l.class === 'kindergarten')!.delta).toBe('+45');
    expect(lines.find((l) => l.class === 'pharmacy')!.delta).toBe('−2');
    expect(lines.find((l) => l.class === 'middle_school')!.delta).toBeNull();
    // Another community's coverage is no "before".
    expect(coverageLines(after, index, 'en', { ...COVERAGE, code: 'C2' }).every((l) => l.delta === null)).toBe(true);
  });
});

describe('the community ranking', () => {
  const c = (code: string, name: string, classesMet: number, worstShare: number | null): CommunitySummary => ({ code, name, buildings: 100, households: 900, classes: 23, classesMet, worstClass: 'kindergarten', worstShare });
  const list = [c('A', '甲', 10, 0.2), c('B', '乙', 20, 0.5), c('C', '丙', 10, 0.2), c('D', '丁', 10, 0.6)];

  it('ranks by classes met, then the worst share; equal ones share a rank', () => {
    const ranked = rankCommunities(list);
    expect(ranked.map((r) => [r.code, r.rank])).toEqual([['B', 1], ['D', 2], ['C', 3], ['A', 3]]);
    expect(ranked[0]!.met).toMatchObject({ count: '20/23', text: '87%' });
  });

  it('lists from the bottom up on request, keeping the ranks', () => {
    expect(rankCommunities(list, 'worst').map((r) => [r.code, r.rank])).toEqual([['A', 3], ['C', 3], ['D', 2], ['B', 1]]);
  });
});
