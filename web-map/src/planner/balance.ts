import type { BalanceRow } from './types';

/**
 * The balance table, pure: rows of a plan joined with the published plan's (before / after), numbers formatted, and
 * the deviation put in classes with fixed breaks, so a colour means the same thing every time it is read.
 */

export const BALANCE_COLUMNS = ['areaKm2', 'unitGrids', 'buildings', 'incidents12m'] as const;
export type BalanceColumn = (typeof BALANCE_COLUMNS)[number];

/** |deviation| up to 10 % is balanced, up to 25 % uneven, beyond that far off. */
export const DEVIATION_BREAKS = { balanced: 0.1, uneven: 0.25 } as const;
export type DeviationClass = 'balanced' | 'uneven' | 'far';

export function deviationClass(deviation: number | null | undefined): DeviationClass | null {
  if (typeof deviation !== 'number' || !Number.isFinite(deviation)) return null;
  const d = Math.abs(deviation);
  if (d <= DEVIATION_BREAKS.balanced + 1e-9) return 'balanced';
  if (d <= DEVIATION_BREAKS.uneven + 1e-9) return 'uneven';
  return 'far';
}

const MINUS = '−';
const group = (digits: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A number with `decimals` decimals and thousands separated by commas; '—' for a missing one. */
export function formatNumber(value: number | null | undefined, decimals = 0): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '—';
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, frac] = fixed.split('.');
  const negative = value < 0 && Number(fixed) !== 0;
  return `${negative ? MINUS : ''}${group(whole!)}${frac ? `.${frac}` : ''}`;
}

/** A signed change: `+3`, `−0.12`, `±0` for none. */
export function formatDelta(delta: number, decimals = 0): string {
  const text = formatNumber(Math.abs(delta), decimals);
  if (Number(Math.abs(delta).toFixed(decimals)) === 0) return `±${formatNumber(0, decimals)}`;
  return `${delta > 0 ? '+' : MINUS}${text}`;
}

/** A deviation as a signed whole percentage: `+12%`, `−8%`, `0%`. */
export function formatDeviation(deviation: number | null | undefined): string {
  if (typeof deviation !== 'number' || !Number.isFinite(deviation)) return '—';
  const pct = Math.round(deviation * 100);
  if (pct === 0) return '0%';
  return `${pct > 0 ? '+' : MINUS}${Math.abs(pct)}%`;
}

export const COLUMN_DECIMALS: Record<BalanceColumn, number> = { areaKm2: 2, unitGrids: 0, buildings: 0, incidents12m: 0 };

export interface BalanceCell {
  text: string;
  /** The published plan's value, when there is one to compare with and it differs. */
  before?: string;
  delta?: string;
}

export interface BalanceLine {
  code: string;
  name: string;
  team: string;
  /** `added`: a large grid the published plan does not have; `removed`: one this plan no longer has. */
  change: 'same' | 'changed' | 'added' | 'removed';
  cells: Record<BalanceColumn, BalanceCell>;
  deviation: { text: string; cls: DeviationClass | null; before?: string; beforeCls?: DeviationClass | null };
}

const num = (row: BalanceRow | undefined, column: BalanceColumn): number | null => {
  const v = row?.[column];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};

/** One line per large grid of `after` (and of `before` that is gone), in code order. */
export function balanceLines(after: readonly BalanceRow[], before: readonly BalanceRow[] | null): BalanceLine[] {
  const old = new Map((before ?? []).map((r) => [r.code, r]));
  const now = new Map(after.map((r) => [r.code, r]));
  const codes = [...new Set([...now.keys(), ...(before ? old.keys() : [])])].sort();
  return codes.map((code) => {
    const row = now.get(code);
    const prev = before ? old.get(code) : undefined;
    const shown = row ?? prev!;
    let differs = false;
    const cells = {} as Record<BalanceColumn, BalanceCell>;
    for (const column of BALANCE_COLUMNS) {
      const decimals = COLUMN_DECIMALS[column];
      const value = row ? num(row, column) : null;
      const cell: BalanceCell = { text: row ? formatNumber(value, decimals) : '—' };
      const was = num(prev, column);
      if (before && row && prev && value !== null && was !== null && formatNumber(value, decimals) !== formatNumber(was, decimals)) {
        cell.before = formatNumber(was, decimals);
        cell.delta = formatDelta(value - was, decimals);
        differs = true;
      }
      if (before && !row && prev) cell.before = formatNumber(was, decimals);
      cells[column] = cell;
    }
    const deviation: BalanceLine['deviation'] = {
      text: row ? formatDeviation(row.deviation) : '—',
      cls: row ? deviationClass(row.deviation) : null,
    };
    if (before && prev && (!row || formatDeviation(prev.deviation) !== formatDeviation(row.deviation))) {
      deviation.before = formatDeviation(prev.deviation);
      deviation.beforeCls = deviationClass(prev.deviation);
    }
    const change: BalanceLine['change'] = !before ? 'same' : !row ? 'removed' : !prev ? 'added' : differs ? 'changed' : 'same';
    return { code, name: shown.name?.trim() || code, team: shown.teamName?.trim() || '', change, cells, deviation };
  });
}

/** The spread of a plan's load: the largest |deviation| (null for no rows). */
export function worstDeviation(rows: readonly BalanceRow[]): number | null {
  let worst: number | null = null;
  for (const r of rows) if (Number.isFinite(r.deviation) && (worst === null || Math.abs(r.deviation) > worst)) worst = Math.abs(r.deviation);
  return worst;
}
