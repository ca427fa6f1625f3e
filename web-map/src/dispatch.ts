import { crewRoleLabel } from './crews';
import type { I18n, StringKey } from './i18n';
import { DISPLAY_TIME_ZONE } from './incidents';
import type { Candidate, ExcludedCrew, ExclusionReason } from './types';

/** Pure helpers for the candidates section of the incident panel: who may dispatch, distances, ETAs, reasons. */

/** The roles that may list candidates and assign (the server checks too). */
export const DISPATCH_ROLES = ['admin', 'dispatcher'] as const;

export const canDispatch = (roles: readonly string[] | null | undefined): boolean =>
  !!roles?.some((r) => (DISPATCH_ROLES as readonly string[]).includes(r.toLowerCase()));

/** States in which nobody is to be sent any more: the work is done, checked or void. */
const SETTLED_STATUSES: readonly string[] = ['handled', 'verified', 'closed', 'voided'];

/** Whether an incident in `status` may still be offered to a crew member. */
export const canOffer = (status: string | null | undefined): boolean => !!status && !SETTLED_STATUSES.includes(status);

export const EXCLUSION_REASONS: readonly ExclusionReason[] = [
  'offShift',
  'wrongRole',
  'atCapacity',
  'stale',
  'noPosition',
  'declined',
  'offered',
];

/** 不在岗 / 岗位不符 …; unknown codes are shown as they are. */
export function exclusionLabel(i18n: I18n, reason: string | null | undefined): string {
  if (!reason) return i18n.t('popup.none');
  return (EXCLUSION_REASONS as readonly string[]).includes(reason) ? i18n.t(`dispatch.reason.${reason}` as StringKey) : reason;
}

/** `850 米` below a kilometre, `1.2 公里` from there (`12 公里` from 10 km). */
export function formatDistance(i18n: I18n, metres: number | null | undefined): string {
  if (typeof metres !== 'number' || !Number.isFinite(metres) || metres < 0) return i18n.t('popup.none');
  if (metres < 1000) return i18n.t('dispatch.metres', { n: Math.round(metres) });
  const km = metres / 1000;
  return i18n.t('dispatch.km', { n: km < 10 ? km.toFixed(1) : String(Math.round(km)) });
}

/** `约 4 分钟`, rounded, at least one minute. */
export function formatEta(i18n: I18n, seconds: number | null | undefined): string {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return i18n.t('popup.none');
  return i18n.t('dispatch.minutes', { n: Math.max(1, Math.round(seconds / 60)) });
}

const clockFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: DISPLAY_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** An ISO 8601 instant as `HH:mm:ss` Beijing time (offers expire within minutes); '' for nothing or junk. */
export function clockTime(iso: string | null | undefined): string {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(ms) ? clockFormat.format(new Date(ms)) : '';
}

/** The texts of one candidate row; every one goes into the page as text. */
export interface CandidateRow {
  name: string;
  team: string;
  role: string;
  distance: string;
  eta: string;
  /** 按道路 / 直线. */
  basis: string;
  /** The straight-line distance, shown as the distance's tooltip. */
  straight: string;
  /** 跨网格支援 for a crew of another team, else empty. */
  support: string;
}

export function candidateRow(c: Candidate, i18n: I18n): CandidateRow {
  return {
    name: c.name?.trim() || `#${c.crewId}`,
    team: c.teamName?.trim() || (c.teamId !== null && c.teamId !== undefined ? `#${c.teamId}` : i18n.t('popup.none')),
    role: crewRoleLabel(i18n, c.role),
    distance: formatDistance(i18n, c.distanceM),
    eta: formatEta(i18n, c.etaS),
    basis: i18n.t(c.byRoad ? 'dispatch.byRoad' : 'dispatch.straight'),
    straight: i18n.t('dispatch.straightDistance', { distance: formatDistance(i18n, c.straightM) }),
    support: c.support ? i18n.t('dispatch.support') : '',
  };
}

/** The texts of one excluded crew member: the reason in the current language, the server's sentence as detail. */
export function excludedRow(x: ExcludedCrew, i18n: I18n): { name: string; reason: string; detail: string } {
  return { name: x.name?.trim() || `#${x.crewId}`, reason: exclusionLabel(i18n, x.reason), detail: x.detail?.trim() ?? '' };
}
