import type { ExpressionSpecification } from 'maplibre-gl';
import type { I18n, StringKey } from './i18n';
import { COLORS } from './theme';
import type {
  IncidentAction,
  IncidentDetail,
  IncidentHistoryEntry,
  IncidentState,
  IncidentStatus,
  TransitionRequest,
} from './types';

/** Pure helpers for the incidents layer and the incident panel: colours, labels, time, transition bodies. */

export const INCIDENT_STATES: readonly IncidentState[] = ['new', 'open', 'overdue', 'closed'];

export const INCIDENT_STATUSES: readonly IncidentStatus[] = [
  'reported',
  'registered',
  'dispatched',
  'accepted',
  'inProgress',
  'handled',
  'verified',
  'closed',
  'unrouted',
  'parked',
  'voided',
];

export const INCIDENT_ACTIONS: readonly IncidentAction[] = [
  'register',
  'dispatch',
  'accept',
  'start',
  'handle',
  'verify',
  'close',
  'sendBack',
  'extend',
  'park',
  'void',
  'reopen',
];

/** History-only actions written by the server itself. */
export const HISTORY_ONLY_ACTIONS = [
  'report', 'overdue', 'escalate', 'offer', 'offerAccepted', 'offerDeclined', 'offerExpired', 'photo',
  // The three orders (社区派单 → 成员接单 → 完成 → 社区评分), and an order nobody took in time.
  'order', 'take', 'done', 'score', 'unclaimed',
] as const;

export const INCIDENT_SOURCES = [
  'resident',
  'patrol',
  'hotline',
  'community',
  'doorKnock',
  'sensor',
  'leader',
  'media',
  'other',
] as const;

export const INCIDENT_STATE_COLORS: Record<IncidentState, string> = {
  new: COLORS.incidentNew,
  open: COLORS.incidentOpen,
  overdue: COLORS.incidentOverdue,
  closed: COLORS.incidentClosed,
};

/** The colour a display class is drawn with; anything unknown is drawn as closed (grey). */
export function incidentStateColor(state: string | null | undefined): string {
  return (INCIDENT_STATES as readonly string[]).includes(state ?? '')
    ? INCIDENT_STATE_COLORS[state as IncidentState]
    : COLORS.incidentClosed;
}

/** `match` on the tile property `state`, one output per display class, `fallback` otherwise. */
export function byIncidentState<T extends string | number>(
  values: Record<IncidentState, T>,
  fallback: T,
): ExpressionSpecification {
  return [
    'match',
    ['get', 'state'],
    ...INCIDENT_STATES.flatMap((s) => [s, values[s]]),
    fallback,
  ] as unknown as ExpressionSpecification;
}

/** The `circle-color` expression: the same mapping as incidentStateColor. */
export const incidentColorExpression = (): ExpressionSpecification =>
  byIncidentState(INCIDENT_STATE_COLORS, COLORS.incidentClosed);

const keyOr = (i18n: I18n, prefix: string, code: string | null | undefined, known: readonly string[]): string => {
  if (!code) return i18n.t('popup.none');
  return known.includes(code) ? i18n.t(`${prefix}.${code}` as StringKey) : code;
};

/** 已上报 / Reported …; unknown codes are shown as they are. */
export const statusLabel = (i18n: I18n, status: string | null | undefined): string =>
  keyOr(i18n, 'incidentStatus', status, INCIDENT_STATUSES);

/** 立案 / Register …, including the history-only report / overdue / escalate and the offers to crews. */
export const actionLabel = (i18n: I18n, action: string | null | undefined): string =>
  keyOr(i18n, 'incidentAction', action, [...INCIDENT_ACTIONS, ...HISTORY_ONLY_ACTIONS]);

/** 新案件 / 在办 / 超期 / 已结案. */
export const stateLabel = (i18n: I18n, state: string | null | undefined): string =>
  keyOr(i18n, 'incidentState', state, INCIDENT_STATES);

export const sourceLabel = (i18n: I18n, source: string | null | undefined): string =>
  keyOr(i18n, 'incidentSource', source, INCIDENT_SOURCES);

/** The category name in the current language (the Chinese one when there is no English one). */
export function categoryLabel(i18n: I18n, category: IncidentDetail['category'] | null | undefined): string {
  if (!category) return i18n.t('popup.none');
  const name = i18n.current === 'en' && category.nameEn ? category.nameEn : category.name;
  return name || category.code || i18n.t('popup.none');
}

export const DISPLAY_TIME_ZONE = 'Asia/Shanghai';

const timeFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: DISPLAY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An ISO 8601 instant as `YYYY-MM-DD HH:mm` in Beijing time; '' for nothing, the input itself if unparsable. */
export function formatShanghai(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const part: Record<string, string> = {};
  for (const p of timeFormat.formatToParts(new Date(ms))) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
}

/** What an action asks the user for before it is sent. */
export interface ActionInputs {
  note: boolean;
  score: boolean;
  extendHours: boolean;
  teamId: boolean;
}

const NOTE_ACTIONS: readonly string[] = ['handle', 'sendBack', 'extend', 'park', 'void', 'reopen'];

/** The inputs `action` needs: a note for handle/sendBack/extend/park/void/reopen, a 1–5 score for verify,
 * hours for extend, and a team for a dispatch of an incident that has no team yet. */
export function actionInputs(action: string, detail?: Pick<IncidentDetail, 'teamId'> | null): ActionInputs {
  return {
    note: NOTE_ACTIONS.includes(action),
    score: action === 'verify',
    extendHours: action === 'extend',
    teamId: action === 'dispatch' && !!detail && (detail.teamId === null || detail.teamId === undefined),
  };
}

export const needsInput = (inputs: ActionInputs): boolean =>
  inputs.note || inputs.score || inputs.extendHours || inputs.teamId;

/** What the user typed into the action form, as strings. */
export interface ActionDraft {
  note?: string;
  score?: string;
  extendHours?: string;
  teamId?: string;
}

/** The request body for `action`, or the string key of what is missing. */
export function buildTransition(
  action: string,
  inputs: ActionInputs,
  draft: ActionDraft,
): { body: TransitionRequest } | { missing: StringKey } {
  const body: TransitionRequest = { action };
  const note = draft.note?.trim() ?? '';
  if (inputs.note && !note) return { missing: 'incident.noteRequired' };
  if (note) body.note = note;
  if (inputs.score) {
    const score = Number(draft.score);
    if (!Number.isInteger(score) || score < 1 || score > 5) return { missing: 'incident.scoreRequired' };
    body.score = score;
  }
  if (inputs.extendHours) {
    const hours = Number(draft.extendHours);
    if (!draft.extendHours?.trim() || !Number.isFinite(hours) || hours <= 0) return { missing: 'incident.hoursRequired' };
    body.extendHours = hours;
  }
  if (inputs.teamId) {
    const team = Number(draft.teamId);
    if (!draft.teamId?.trim() || !Number.isInteger(team) || team <= 0) return { missing: 'incident.teamRequired' };
    body.teamId = team;
  }
  return { body };
}

/** The texts of one history row; every one of them goes into the page as text, never as HTML. */
export interface HistoryRow {
  time: string;
  actor: string;
  action: string;
  /** `已派遣 → 已接单`, or just the state reached. */
  transition: string;
  note: string;
}

export function historyRow(entry: IncidentHistoryEntry, i18n: I18n): HistoryRow {
  const to = statusLabel(i18n, entry.to);
  return {
    time: formatShanghai(entry.at),
    actor: entry.actor === 'system' ? i18n.t('incident.system') : entry.actor || i18n.t('popup.none'),
    action: actionLabel(i18n, entry.action),
    transition: entry.from && entry.from !== entry.to ? `${statusLabel(i18n, entry.from)} → ${to}` : to,
    note: entry.note ?? '',
  };
}

export type IncidentCounts = Record<IncidentState, number>;

/** Counts distinct incident ids by display class (a point near a tile edge can come in two tiles). */
export function countIncidents(features: ReadonlyArray<{ properties?: Record<string, unknown> | null }>): IncidentCounts {
  const seen = new Map<string, string>();
  for (const f of features) {
    const id = f.properties?.id;
    if (id === undefined || id === null) continue;
    seen.set(String(id), String(f.properties?.state ?? ''));
  }
  const counts: IncidentCounts = { new: 0, open: 0, overdue: 0, closed: 0 };
  for (const state of seen.values()) {
    if ((INCIDENT_STATES as readonly string[]).includes(state)) counts[state as IncidentState]++;
  }
  return counts;
}
