import { describe, expect, it } from 'vitest';
import { explainError, ReportError, retryAfterSeconds } from './api';
import { DICTIONARY } from './strings';

describe('errors in plain words', () => {
  it('explains the rate limit, with the wait when the server gives one', () => {
    expect(explainError(new ReportError(429, 'Too many requests', 120), 'zh')).toBe(
      '提交得太频繁了，请过 120 秒 再试。这是为了防止滥用，谢谢理解。',
    );
    expect(explainError(new ReportError(429, ''), 'zh')).toContain('几分钟');
    expect(explainError(new ReportError(429, ''), 'en')).toContain('a few minutes');
  });

  it('shows the server detail for a refused report', () => {
    expect(explainError(new ReportError(400, 'The point lies outside the county.'), 'zh')).toBe('提交的内容有问题：The point lies outside the county.');
    expect(explainError(new ReportError(409, 'Case closed'), 'en')).toBe('The report was not sent: Case closed');
  });

  it('says what went wrong with a photo', () => {
    expect(explainError(new ReportError(413, 'x'), 'zh', true)).toContain('10 MB');
    expect(explainError(new ReportError(415, 'x'), 'zh', true)).toContain('JPEG');
  });

  it('tells a network failure and a server failure from the rest', () => {
    expect(explainError(new ReportError(0, 'Failed to fetch'), 'zh')).toContain('网络');
    expect(explainError(new ReportError(503, 'Database unavailable'), 'zh')).toContain('不会重复报案');
  });

  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterSeconds('30')).toBe(30);
    expect(retryAfterSeconds(null)).toBeNull();
    expect(retryAfterSeconds('Tue, 01 Dec 2026 22:00:30 GMT', Date.parse('2026-12-01T22:00:00Z'))).toBe(30);
    expect(retryAfterSeconds('later')).toBeNull();
  });
});

describe('strings', () => {
  it('has every key in both languages with the same placeholders', () => {
    const zh = DICTIONARY.zh;
    const en = DICTIONARY.en;
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(zh) as Array<keyof typeof zh>) {
      expect(en[key], key).toBeTruthy();
      expect(holes(en[key]), key).toEqual(holes(zh[key]));
    }
  });
});
