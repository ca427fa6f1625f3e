import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { debounce } from './debounce';

describe('debounce', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs once, after the burst, with the last arguments', () => {
    const calls: number[] = [];
    const fn = debounce((n: number) => calls.push(n), 300);
    fn(1);
    vi.advanceTimersByTime(200);
    fn(2);
    vi.advanceTimersByTime(299);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([2]);
  });

  it('cancel drops the pending call', () => {
    const calls: number[] = [];
    const fn = debounce(() => calls.push(1), 300);
    fn();
    fn.cancel();
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual([]);
  });
});
