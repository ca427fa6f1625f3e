import { describe, expect, it } from 'vitest';
import type { CaseRow, OrderView } from './api';
import { casesToOrder, issueLines, memberBody, missingParties, parseSkills, pointsFileName, shanghaiMonth, sortOrders } from './logic';

const c = (id: number, reportedAt = `2026-12-01T0${id}:00:00Z`): CaseRow => ({ id, status: 'reported', category: '0601', categoryName: 'x', lon: 0, lat: 0, reportedAt });
const o = (id: number, incidentId: number, status: OrderView['status']): OrderView => ({
  id, incidentId, status, community: 'C', category: '0601', lon: 0, lat: 0, openedAt: '2026-12-01T00:00:00Z',
});

describe('casesToOrder', () => {
  it('leaves out cases with an active order, oldest first', () => {
    const list = casesToOrder([c(3), c(1), c(2)], [o(9, 2, 'open'), o(8, 3, 'scored')]);
    expect(list.map((x) => x.id)).toEqual([1, 3]);
  });
  it('counts taken and done orders as in the pool', () => {
    expect(casesToOrder([c(1), c(2)], [o(1, 1, 'taken'), o(2, 2, 'done')])).toEqual([]);
  });
});

describe('sortOrders', () => {
  it('puts the ones to score first, then open, taken, escalated, scored', () => {
    const list = sortOrders([o(1, 1, 'scored'), o(2, 2, 'open'), o(3, 3, 'done'), o(4, 4, 'taken'), o(5, 5, 'escalated'), o(6, 6, 'done')]);
    expect(list.map((x) => x.id)).toEqual([6, 3, 2, 4, 5, 1]);
  });
});

describe('meetings', () => {
  it('names the missing parties, ignoring attendees without a name', () => {
    expect(missingParties([{ name: '王', party: 'community' }, { name: ' ', party: 'officer' }])).toEqual(['officer', 'property', 'resident']);
    expect(missingParties([
      { name: 'a', party: 'community' }, { name: 'b', party: 'officer' }, { name: 'c', party: 'property' }, { name: 'd', party: 'resident' },
    ])).toEqual([]);
  });
  it('takes one issue a line', () => {
    expect(issueLines('  车棚漏雨\n\n 楼道堆物 \r\n')).toEqual([{ text: '车棚漏雨' }, { text: '楼道堆物' }]);
  });
});

describe('members', () => {
  it('splits skills at commas of both kinds and spaces, once each', () => {
    expect(parseSkills('0601, 06，04、06 ;09')).toEqual(['0601', '06', '04', '09']);
    expect(parseSkills('  ')).toEqual([]);
  });
  it('builds the request, phone only when given', () => {
    expect(memberBody({ name: ' 李 ', kind: 'volunteer', phone: ' ', skills: '06', available: false, communities: ['C1'] }))
      .toEqual({ name: '李', kind: 'volunteer', skills: ['06'], available: false, communities: ['C1'] });
  });
});

describe('points', () => {
  it('takes the month in Beijing time', () => {
    expect(shanghaiMonth(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12');
    expect(shanghaiMonth(new Date('2026-11-30T15:30:00Z'))).toBe('2026-11');
  });
  it('names the download', () => {
    expect(pointsFileName('2026-12', 'C1', 'csv')).toBe('points-C1-2026-12.csv');
  });
});
