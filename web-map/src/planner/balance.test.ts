import { describe, expect, it } from 'vitest';
import { balanceLines, deviationClass, formatDelta, formatDeviation, formatNumber, worstDeviation } from './balance';
import type { BalanceRow } from './types';

const row = (code: string, over: Partial<BalanceRow> = {}): BalanceRow => ({
  code, name: `${code}大网格`, teamId: 1, teamName: '一队', areaKm2: 1.234, unitGrids: 40, buildings: 1200, households: 3000, incidents12m: 500, deviation: 0, ...over,
});

describe('balance formatting', () => {
  it('formats numbers with separators and decimals, and a dash for none', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(1.005, 2)).toBe('1.00');
    expect(formatNumber(2.5, 2)).toBe('2.50');
    expect(formatNumber(-1200)).toBe('−1,200');
    expect(formatNumber(-0.001, 2)).toBe('0.00');
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN)).toBe('—');
  });

  it('signs deltas and deviations', () => {
    expect(formatDelta(3)).toBe('+3');
    expect(formatDelta(-0.12, 2)).toBe('−0.12');
    expect(formatDelta(0.001, 2)).toBe('±0.00');
    expect(formatDeviation(0.123)).toBe('+12%');
    expect(formatDeviation(-0.08)).toBe('−8%');
    expect(formatDeviation(0.004)).toBe('0%');
    expect(formatDeviation(undefined)).toBe('—');
  });

  it('puts deviations in classes with fixed breaks (10 %, 25 %), either way', () => {
    expect(deviationClass(0)).toBe('balanced');
    expect(deviationClass(0.1)).toBe('balanced');
    expect(deviationClass(-0.1)).toBe('balanced');
    expect(deviationClass(0.11)).toBe('uneven');
    expect(deviationClass(-0.25)).toBe('uneven');
    expect(deviationClass(0.26)).toBe('far');
    expect(deviationClass(-0.6)).toBe('far');
    expect(deviationClass(null)).toBeNull();
  });

  it('finds the worst deviation', () => {
    expect(worstDeviation([row('A', { deviation: 0.1 }), row('B', { deviation: -0.3 })])).toBeCloseTo(0.3);
    expect(worstDeviation([])).toBeNull();
  });
});

describe('balanceLines', () => {
  it('without a published plan: one line per large grid in code order, no before', () => {
    const lines = balanceLines([row('L02', { deviation: 0.3 }), row('L01', { deviation: -0.05 })], null);
    expect(lines.map((l) => l.code)).toEqual(['L01', 'L02']);
    expect(lines[0]!.change).toBe('same');
    expect(lines[0]!.cells.areaKm2).toEqual({ text: '1.23' });
    expect(lines[0]!.cells.buildings.text).toBe('1,200');
    expect(lines[1]!.deviation).toEqual({ text: '+30%', cls: 'far' });
    expect(lines[0]!.name).toBe('L01大网格');
    expect(lines[0]!.team).toBe('一队');
  });

  it('beside the published plan: before and delta where they differ, added and removed grids', () => {
    const before = [row('L01', { unitGrids: 40, incidents12m: 500, deviation: 0.2 }), row('L02'), row('L09', { name: '旧网格' })];
    const after = [row('L01', { unitGrids: 39, incidents12m: 480, deviation: 0.15 }), row('L02'), row('L10', { deviation: -0.02 })];
    const lines = balanceLines(after, before);
    expect(lines.map((l) => [l.code, l.change])).toEqual([['L01', 'changed'], ['L02', 'same'], ['L09', 'removed'], ['L10', 'added']]);
    const l1 = lines[0]!;
    expect(l1.cells.unitGrids).toEqual({ text: '39', before: '40', delta: '−1' });
    expect(l1.cells.incidents12m).toEqual({ text: '480', before: '500', delta: '−20' });
    expect(l1.cells.areaKm2).toEqual({ text: '1.23' });
    expect(l1.deviation).toEqual({ text: '+15%', cls: 'uneven', before: '+20%', beforeCls: 'uneven' });
    expect(lines[1]!.deviation.before).toBeUndefined();
    const gone = lines[2]!;
    expect(gone.cells.unitGrids).toEqual({ text: '—', before: '40' });
    expect(gone.deviation).toMatchObject({ text: '—', cls: null, before: '0%' });
    expect(gone.name).toBe('旧网格');
    expect(lines[3]!.cells.unitGrids).toEqual({ text: '40' });
  });
});
