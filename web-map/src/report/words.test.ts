import { describe, expect, it } from 'vitest';
import {
  actionWords,
  addMyReport,
  MY_REPORTS_MAX,
  readMyReports,
  distanceWords,
  formatTime,
  isFinished,
  newUuid,
  parseTrackingLink,
  phoneProblem,
  STATUS_WORDS,
  statusWords,
  trackingLink,
  trackingPath,
} from './words';

describe('status and action words', () => {
  it('says every case state in plain Chinese and English', () => {
    for (const s of ['reported', 'registered', 'dispatched', 'accepted', 'inProgress', 'handled', 'verified', 'closed', 'unrouted', 'parked', 'voided']) {
      expect(STATUS_WORDS[s]?.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(STATUS_WORDS[s]?.en).toMatch(/[A-Za-z]/);
    }
    expect(statusWords('reported', 'zh')).toBe('已收到，等待受理');
    expect(statusWords('inProgress', 'en')).toBe('Being fixed');
    expect(statusWords('closed', 'zh')).toBe('已办结');
  });

  it('shows an unknown code as it is and nothing as unknown', () => {
    expect(statusWords('somethingNew', 'zh')).toBe('somethingNew');
    expect(statusWords(null, 'zh')).toBe('未知');
    expect(statusWords('toString', 'en')).toBe('toString');
    expect(actionWords('register', 'zh')).toBe('受理');
    expect(actionWords('report', 'en')).toBe('Report received');
    expect(actionWords(undefined, 'zh')).toBe('更新');
  });

  it('knows when a case is finished', () => {
    expect(isFinished('closed')).toBe(true);
    expect(isFinished('voided')).toBe(true);
    expect(isFinished('dispatched')).toBe(false);
  });
});

describe('tracking links', () => {
  it('parses /report/{id}?t=', () => {
    expect(parseTrackingLink('/report/42', '?t=abc-DEF_1')).toEqual({ id: 42, token: 'abc-DEF_1' });
    expect(parseTrackingLink('/report/42/', '?x=1&t=tok')).toEqual({ id: 42, token: 'tok' });
    expect(parseTrackingLink('/report/42', '')).toEqual({ id: 42, token: '' });
    expect(parseTrackingLink('/report/42', '?t=a%2Bb')).toEqual({ id: 42, token: 'a+b' });
  });

  it('is null for the form and anything else', () => {
    expect(parseTrackingLink('/report', '')).toBeNull();
    expect(parseTrackingLink('/report/', '?t=x')).toBeNull();
    expect(parseTrackingLink('/report/abc', '?t=x')).toBeNull();
    expect(parseTrackingLink('/report/0', '?t=x')).toBeNull();
    expect(parseTrackingLink('/report/1/2', '?t=x')).toBeNull();
    expect(parseTrackingLink('/m/42', '?t=x')).toBeNull();
  });

  it('builds an absolute link from the server answer, or from id and token', () => {
    expect(trackingLink('http://h:5080', '/report/7?t=tk', 7, 'tk')).toBe('http://h:5080/report/7?t=tk');
    expect(trackingLink('http://h:5080', null, 7, 'a b')).toBe('http://h:5080/report/7?t=a%20b');
    expect(trackingPath(9, 'x')).toBe('/report/9?t=x');
    const back = new URL(trackingLink('http://h', '/report/7?t=tk', 7, 'tk'));
    expect(parseTrackingLink(back.pathname, back.search)).toEqual({ id: 7, token: 'tk' });
  });
});


describe('small things', () => {
  it('makes v4 uuids, different each time', () => {
    const a = newUuid();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newUuid()).not.toBe(a);
    expect(newUuid((b) => b.fill(255))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it('checks a phone loosely and lets it be empty', () => {
    expect(phoneProblem('')).toBeNull();
    expect(phoneProblem('138 0013 8000')).toBeNull();
    expect(phoneProblem('+86-797-1234567')).toBeNull();
    expect(phoneProblem('abc')).toBe('invalid');
    expect(phoneProblem('12')).toBe('invalid');
  });

  it('writes Beijing time and distances', () => {
    expect(formatTime('2026-12-01T06:05:00Z')).toBe('2026-12-01 14:05');
    expect(formatTime(null)).toBe('');
    expect(formatTime('soon')).toBe('soon');
    expect(distanceWords(12.4, 'zh')).toBe('约 12 米');
    expect(distanceWords(12.6, 'en')).toBe('about 13 m');
  });
});

describe('my reports', () => {
  const r = (id: number) => ({ id, path: `/report/${id}?t=x`, category: '路灯异常', at: '2026-12-01T06:00:00Z' });
  it('keeps the newest first, each case once, ten at most', () => {
    let list = addMyReport([], r(1));
    list = addMyReport(list, r(2));
    list = addMyReport(list, r(1));
    expect(list.map((x) => x.id)).toEqual([1, 2]);
    for (let i = 3; i < 20; i++) list = addMyReport(list, r(i));
    expect(list).toHaveLength(MY_REPORTS_MAX);
    expect(list[0]?.id).toBe(19);
  });

  it('reads back only well-formed entries', () => {
    expect(readMyReports(null)).toEqual([]);
    expect(readMyReports('not json')).toEqual([]);
    expect(readMyReports('{"id":1}')).toEqual([]);
    expect(readMyReports(JSON.stringify([r(1), { id: 2, path: 'https://evil.example/', category: 'x', at: 'y' }, { id: 'x' }]))).toEqual([r(1)]);
  });
});
