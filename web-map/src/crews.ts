import type { Feature, FeatureCollection, Point } from 'geojson';
import type { ExpressionSpecification } from 'maplibre-gl';
import type { LonLat } from './geo';
import type { I18n, StringKey } from './i18n';
import { parseInstant } from './positions';
import { COLORS } from './theme';
import type { Crew, CrewRole, CrewShift } from './types';

/** Pure helpers for the crews layer: role colours and labels, staleness, the features drawn. */

export const CREW_ROLES: readonly CrewRole[] = ['lead', 'enforcement', 'municipal', 'landscaping', 'sanitation', 'community'];

export const CREW_SHIFTS: readonly CrewShift[] = ['early', 'middle', 'late', 'night'];

export const CREW_ROLE_COLORS: Record<CrewRole, string> = {
  lead: COLORS.crewLead,
  enforcement: COLORS.crewEnforcement,
  municipal: COLORS.crewMunicipal,
  landscaping: COLORS.crewLandscaping,
  sanitation: COLORS.crewSanitation,
  community: COLORS.crewCommunity,
};

/** A fix older than this (seconds) draws its crew dimmed, as an off-shift crew is. */
export const STALE_AFTER_S = 300;

/** The colour a role is drawn with; unknown roles (a crew not yet in the list) are grey. */
export function crewRoleColor(role: string | null | undefined): string {
  return (CREW_ROLES as readonly string[]).includes(role ?? '') ? CREW_ROLE_COLORS[role as CrewRole] : COLORS.crewUnknown;
}

/** The `circle-color` expression: the same mapping as crewRoleColor, on the feature property `role`. */
export const crewColorExpression = (): ExpressionSpecification =>
  ['match', ['get', 'role'], ...CREW_ROLES.flatMap((r) => [r, CREW_ROLE_COLORS[r]]), COLORS.crewUnknown] as unknown as ExpressionSpecification;

const keyOr = (i18n: I18n, prefix: string, code: string | null | undefined, known: readonly string[]): string => {
  if (!code) return i18n.t('popup.none');
  return known.includes(code) ? i18n.t(`${prefix}.${code}` as StringKey) : code;
};

/** 组长 / 城管队员 / 市政 …; unknown codes are shown as they are. */
export const crewRoleLabel = (i18n: I18n, role: string | null | undefined): string => keyOr(i18n, 'crewRole', role, CREW_ROLES);

/** 早班 / 中班 / 晚班 / 夜班. */
export const shiftLabel = (i18n: I18n, shift: string | null | undefined): string => keyOr(i18n, 'crewShift', shift, CREW_SHIFTS);

/**
 * How far the browser's clock runs ahead of the server's (ms), from the `ageS` the server computed for each
 * position in `GET /api/crews`: the median, so one odd fix does not count. 0 when nothing tells.
 */
export function clockSkewMs(crews: readonly Crew[], receivedAt: number): number {
  const skews: number[] = [];
  for (const c of crews) {
    const p = c.position;
    if (!p || typeof p.ageS !== 'number' || !Number.isFinite(p.ageS)) continue;
    const at = parseInstant(p.t);
    if (at) skews.push(receivedAt - (at.ms + p.ageS * 1000));
  }
  if (!skews.length) return 0;
  skews.sort((a, b) => a - b);
  const mid = skews.length >> 1;
  return skews.length % 2 ? skews[mid]! : (skews[mid - 1]! + skews[mid]!) / 2;
}

/** Seconds since the fix taken at `fixAt` (epoch ms), on the server's clock. */
export const fixAgeS = (fixAt: number, now: number, skewMs = 0): number => (now - skewMs - fixAt) / 1000;

/** Dimmed: off shift, or the latest fix older than STALE_AFTER_S. A crew not in the list yet is taken as on shift. */
export function isDimmed(crew: Pick<Crew, 'onShift'> | undefined, fixAt: number, now: number, skewMs = 0): boolean {
  if (crew && !crew.onShift) return true;
  return fixAgeS(fixAt, now, skewMs) > STALE_AFTER_S;
}

/** Properties of a crew feature; `dim` is 1 or 0 so the style can compare it. */
export interface CrewProperties {
  id: number;
  name: string;
  role: string;
  team: string;
  dim: 0 | 1;
}

export type CrewCollection = FeatureCollection<Point, CrewProperties>;

/** One point per crew, feature id = crew id, at `at` (the position drawn now). */
export function crewFeature(id: number, crew: Crew | undefined, at: LonLat, dim: boolean): Feature<Point, CrewProperties> {
  return {
    type: 'Feature',
    id,
    geometry: { type: 'Point', coordinates: [at[0], at[1]] },
    properties: { id, name: crew?.name ?? '', role: crew?.role ?? '', team: crew?.teamName ?? '', dim: dim ? 1 : 0 },
  };
}
