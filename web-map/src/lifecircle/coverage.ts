import type { Lang } from '../i18n';
import type { ClassCoverage, CommunitySummary, Coverage, FacilityClass } from './types';

/**
 * Coverage, pure: a share is always shown with its count ("12/40": a share of few buildings is noise), in classes with
 * fixed breaks (≥ 90 % met, as the server's classesMet counts; ≥ 50 % partial; else poor), the ranking of communities
 * and the lines of one community's table.
 */

/** A class counts as met from this share of covered buildings on (the server's classesMet rule). */
export const MET_SHARE = 0.9;
export const PARTIAL_SHARE = 0.5;
/** Fewer buildings than this: the share is shown, but marked as resting on few. */
export const FEW_BUILDINGS = 10;

export type ShareClass = 'met' | 'partial' | 'poor';

const group = (n: number): string => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** `covered/total` with thousands separated: `1,204/3,000`; '—' when either is missing. */
export function countText(covered: number | null | undefined, total: number | null | undefined): string {
  return finite(covered) && finite(total) ? `${group(covered)}/${group(total)}` : '—';
}

/** covered / total, or the server's share when there are no counts; null for none (no buildings). */
export function shareOf(covered: number | null | undefined, total: number | null | undefined, fallback?: number | null): number | null {
  if (finite(covered) && finite(total)) return total > 0 ? Math.min(1, Math.max(0, covered / total)) : null;
  return finite(fallback) ? Math.min(1, Math.max(0, fallback)) : null;
}

/**
 * A whole percentage that never rounds a gap away: 100 % only when every building is covered, 0 % only when none
 * is; 199/200 is 99 %, 1/300 is <1 %. '—' when there is nothing to count.
 */
export function formatShare(covered: number | null | undefined, total: number | null | undefined, fallback?: number | null): string {
  const share = shareOf(covered, total, fallback);
  if (share === null) return '—';
  const exact = finite(covered) && finite(total);
  const all = exact ? covered >= total : share >= 1;
  const none = exact ? covered <= 0 : share <= 0;
  if (all) return '100%';
  if (none) return '0%';
  const pct = Math.round(share * 100);
  if (pct < 1) return '<1%';
  return `${Math.min(99, pct)}%`;
}

export function shareClass(share: number | null): ShareClass | null {
  if (share === null) return null;
  if (share >= MET_SHARE - 1e-9) return 'met';
  if (share >= PARTIAL_SHARE - 1e-9) return 'partial';
  return 'poor';
}

/** Display name of a class in the language shown; the code itself for a class the table does not know. */
export function className(cls: string | null | undefined, classes: ReadonlyMap<string, FacilityClass>, lang: Lang): string {
  if (!cls) return '—';
  const c = classes.get(cls);
  if (!c) return cls;
  return (lang === 'en' ? c.en : c.zh)?.trim() || cls;
}

export const classIndex = (list: readonly FacilityClass[]): Map<string, FacilityClass> => new Map(list.map((c) => [c.class, c]));

export interface ShareCell {
  text: string;
  /** Bar width, 0-100. */
  width: number;
  cls: ShareClass | null;
  count: string;
  few: boolean;
}

export function shareCell(covered: number | null | undefined, total: number | null | undefined, fallback?: number | null): ShareCell {
  const share = shareOf(covered, total, fallback);
  return {
    text: formatShare(covered, total, fallback),
    width: share === null ? 0 : Math.round(share * 1000) / 10,
    cls: shareClass(share),
    count: countText(covered, total),
    few: finite(total) && total < FEW_BUILDINGS,
  };
}

export interface CoverageLine {
  class: string;
  name: string;
  level: number;
  minutes: number;
  metres: number;
  required: boolean;
  worst: boolean;
  buildings: ShareCell;
  /** Households covered / total, when the server knows households. */
  households: string | null;
  /** Covered buildings gained or lost since the coverage shown before (a facility placed or deleted), e.g. `+12`. */
  delta: string | null;
}

const MINUS = '−';

/**
 * The table of one community: by level (5, 10, 15 minutes), required before optional, then the lowest share first;
 * `previous` (the same community's coverage before a change) adds what moved.
 */
export function coverageLines(coverage: Coverage, classes: ReadonlyMap<string, FacilityClass>, lang: Lang, previous?: Coverage | null): CoverageLine[] {
  const worst = new Set(coverage.worst ?? []);
  const before = previous && previous.code === coverage.code ? new Map(previous.classes.map((c) => [c.class, c])) : null;
  const order = new Map([...classes.keys()].map((k, i) => [k, i]));
  const rows = [...(coverage.classes ?? [])].sort(
    (a, b) =>
      a.level - b.level ||
      Number(b.required) - Number(a.required) ||
      (shareOf(a.buildingsCovered, a.buildings, a.share) ?? 2) - (shareOf(b.buildingsCovered, b.buildings, b.share) ?? 2) ||
      (order.get(a.class) ?? 999) - (order.get(b.class) ?? 999) ||
      a.class.localeCompare(b.class),
  );
  return rows.map((row: ClassCoverage) => {
    const was = before?.get(row.class);
    const moved = was && finite(was.buildingsCovered) && finite(row.buildingsCovered) ? row.buildingsCovered - was.buildingsCovered : 0;
    return {
      class: row.class,
      name: className(row.class, classes, lang),
      level: row.level,
      minutes: row.minutes ?? row.level,
      metres: row.metres,
      required: row.required !== false,
      worst: worst.has(row.class),
      buildings: shareCell(row.buildingsCovered, row.buildings, row.share),
      households: finite(row.households) && row.households > 0 ? countText(row.householdsCovered ?? 0, row.households) : null,
      delta: moved > 0 ? `+${group(moved)}` : moved < 0 ? `${MINUS}${group(-moved)}` : null,
    };
  });
}

export type RankOrder = 'best' | 'worst';

export interface RankedCommunity extends CommunitySummary {
  /** 1 = most required classes met (then the better worst share); equal communities share a rank. */
  rank: number;
  met: ShareCell;
}

const worstKey = (c: CommunitySummary): number => (finite(c.worstShare) ? c.worstShare : 1);

/** The ranking by classesMet, then by the worst class's share; `worst` lists it from the bottom up. */
export function rankCommunities(list: readonly CommunitySummary[], order: RankOrder = 'best'): RankedCommunity[] {
  const sorted = [...list].sort(
    (a, b) => b.classesMet - a.classesMet || worstKey(b) - worstKey(a) || a.name.localeCompare(b.name, 'zh-CN') || a.code.localeCompare(b.code),
  );
  const ranked: RankedCommunity[] = [];
  sorted.forEach((c, i) => {
    const prev = ranked[i - 1];
    const tie = prev && prev.classesMet === c.classesMet && worstKey(prev) === worstKey(c);
    ranked.push({ ...c, rank: tie ? prev.rank : i + 1, met: shareCell(c.classesMet, c.classes) });
  });
  return order === 'best' ? ranked : ranked.reverse();
}
