import { ApiError } from '../api';
import { describeError } from '../errors';
import type { I18n, StringKey } from '../i18n';

/** Failures of the life-circle calls → what the user reads; always the server's own `detail` where it gave one. */

export type NoticeKind = 'ok' | 'offRoad' | 'badRequest' | 'forbidden' | 'notFound' | 'network' | 'error';

export interface LcNotice {
  ok: boolean;
  kind: NoticeKind;
  /** HTTP status of the failure (0: no answer at all), absent for good news. */
  status?: number;
  text: string;
  /** The same notice in another language (after the language toggle). */
  again?(i18n: I18n): LcNotice;
}

export const okNotice = (i18n: I18n, key: StringKey, params?: Record<string, string | number>): LcNotice => ({
  ok: true,
  kind: 'ok',
  text: i18n.t(key, params),
  again: (other) => okNotice(other, key, params),
});

/** The notice in the language shown now. */
export const retranslate = (n: LcNotice | null, i18n: I18n): LcNotice | null => (n?.again ? n.again(i18n) : n);

function kindOf(error: unknown): { kind: NoticeKind; status: number } {
  if (!(error instanceof ApiError)) return { kind: 'error', status: -1 };
  if (error.isNetwork || (!error.detail && [502, 503, 504].includes(error.status))) return { kind: 'network', status: error.status };
  const byStatus: Record<number, NoticeKind> = { 400: 'badRequest', 403: 'forbidden', 404: 'notFound', 422: 'offRoad' };
  return { kind: byStatus[error.status] ?? 'error', status: error.status };
}

/** The isochrone's failures: 422 (too far from a walkable road) says so with the server's detail; 400 is a bad request. */
export function isochroneNotice(error: unknown, i18n: I18n): LcNotice {
  return { ...isochroneText(error, i18n), again: (other) => isochroneNotice(error, other) };
}

function isochroneText(error: unknown, i18n: I18n): LcNotice {
  const { kind, status } = kindOf(error);
  const detail = describeError(error, i18n);
  const hasDetail = error instanceof ApiError && !!error.detail;
  if (kind === 'offRoad') {
    return { ok: false, kind, status, text: hasDetail ? i18n.t('lc.iso.offRoad', { detail }) : i18n.t('lc.iso.offRoadNoDetail') };
  }
  if (kind === 'network') return { ok: false, kind, status, text: detail };
  return { ok: false, kind, status, text: i18n.t(kind === 'badRequest' ? 'lc.iso.bad' : 'lc.iso.failed', { detail }) };
}

/** Any other call: `key` frames the detail ("放置失败：…"), except a refusal (403) or a missing thing (404), named as such. */
export function actionNotice(error: unknown, i18n: I18n, key: StringKey): LcNotice {
  return { ...actionText(error, i18n, key), again: (other) => actionNotice(error, other, key) };
}

function actionText(error: unknown, i18n: I18n, key: StringKey): LcNotice {
  const { kind, status } = kindOf(error);
  const detail = describeError(error, i18n);
  if (kind === 'network') return { ok: false, kind, status, text: detail };
  if (kind === 'forbidden') return { ok: false, kind, status, text: i18n.t('lc.error.forbidden', { detail }) };
  if (kind === 'notFound') return { ok: false, kind, status, text: i18n.t('lc.error.notFound', { detail }) };
  return { ok: false, kind: kind === 'offRoad' ? 'error' : kind, status, text: i18n.t(key, { detail }) };
}
