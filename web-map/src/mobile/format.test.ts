import { describe, expect, it } from 'vitest';
import { fill, formatCountdown, formatDistance, formatEta, secondsLeft } from './format';

describe('countdown', () => {
  it('counts whole seconds up to the expiry, never below zero', () => {
    const now = Date.parse('2026-12-01T08:00:00Z');
    expect(secondsLeft('2026-12-01T08:01:00Z', now)).toBe(60);
    expect(secondsLeft('2026-12-01T08:00:00.200Z', now)).toBe(1);
    expect(secondsLeft('2026-12-01T07:59:00Z', now)).toBe(0);
    expect(secondsLeft('nonsense', now)).toBe(0);
  });
  it('formats m:ss and h:mm:ss', () => {
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(5)).toBe('0:05');
    expect(formatCountdown(65)).toBe('1:05');
    expect(formatCountdown(3600 + 62)).toBe('1:01:02');
    expect(formatCountdown(-3)).toBe('0:00');
  });
});

describe('distance and eta', () => {
  it('reads metres and kilometres in both languages', () => {
    expect(formatDistance(347, 'zh')).toBe('350 米');
    expect(formatDistance(1234, 'zh')).toBe('1.2 公里');
    expect(formatDistance(15_600, 'en')).toBe('16 km');
    expect(formatDistance(null, 'en')).toBe('');
  });
  it('rounds travel time up to whole minutes', () => {
    expect(formatEta(61, 'zh')).toBe('约 2 分钟');
    expect(formatEta(5, 'en')).toBe('about 1 min');
    expect(formatEta(3900, 'zh')).toBe('约 1 小时 5 分钟');
    expect(formatEta(undefined, 'zh')).toBe('');
  });
  it('fills placeholders', () => {
    expect(fill('剩余 {time} 应答 {x}', { time: '0:30' })).toBe('剩余 0:30 应答 {x}');
  });
});
