/** Pure helpers of the resident's report page: words for states and actions, link parsing, photo sizing, ids. */

export type Lang = 'zh' | 'en';

type Words = Record<string, { zh: string; en: string }>;

/** Case states in a resident's words (not the staff's 立案/派遣 jargon). */
export const STATUS_WORDS: Words = {
  reported: { zh: '已收到，等待受理', en: 'Received, waiting to be reviewed' },
  registered: { zh: '已受理', en: 'Accepted for handling' },
  dispatched: { zh: '已派给处理人员', en: 'Sent to a crew' },
  accepted: { zh: '处理人员已接单', en: 'A crew has taken it' },
  inProgress: { zh: '正在处理', en: 'Being fixed' },
  handled: { zh: '已处理，等待核查', en: 'Fixed, being checked' },
  verified: { zh: '已核查', en: 'Checked' },
  closed: { zh: '已办结', en: 'Done' },
  unrouted: { zh: '正在确定负责部门', en: 'Finding the team in charge' },
  parked: { zh: '暂缓处理（长期问题）', en: 'On hold (a long-term problem)' },
  voided: { zh: '已撤销', en: 'Withdrawn' },
};

/** History actions in a resident's words. */
export const ACTION_WORDS: Words = {
  report: { zh: '提交报告', en: 'Report received' },
  register: { zh: '受理', en: 'Accepted' },
  dispatch: { zh: '派给处理人员', en: 'Sent to a crew' },
  accept: { zh: '处理人员接单', en: 'Crew took it' },
  start: { zh: '开始处理', en: 'Work started' },
  handle: { zh: '处理完成', en: 'Fixed' },
  verify: { zh: '核查', en: 'Checked' },
  close: { zh: '办结', en: 'Closed' },
  sendBack: { zh: '退回重新处理', en: 'Sent back for more work' },
  extend: { zh: '延长处理期限', en: 'Deadline extended' },
  park: { zh: '暂缓处理', en: 'Put on hold' },
  void: { zh: '撤销', en: 'Withdrawn' },
  reopen: { zh: '重新处理', en: 'Reopened' },
  overdue: { zh: '已超过处理期限', en: 'Past the deadline' },
  escalate: { zh: '升级督办', en: 'Escalated' },
  offer: { zh: '联系处理人员', en: 'Offered to a crew' },
  offerAccepted: { zh: '处理人员接单', en: 'Crew took it' },
  offerDeclined: { zh: '另找处理人员', en: 'Looking for another crew' },
  offerExpired: { zh: '另找处理人员', en: 'Looking for another crew' },
  reroute: { zh: '转给负责部门', en: 'Passed to the team in charge' },
  linked: { zh: '并入同一故障一起处理', en: 'Joined with the same fault' },
};

const wordOf = (words: Words, code: string | null | undefined, lang: Lang, unknown: { zh: string; en: string }): string => {
  if (!code) return unknown[lang];
  const w = Object.prototype.hasOwnProperty.call(words, code) ? words[code] : undefined;
  return w ? w[lang] : code;
};

export const statusWords = (status: string | null | undefined, lang: Lang): string =>
  wordOf(STATUS_WORDS, status, lang, { zh: '未知', en: 'Unknown' });

export const actionWords = (action: string | null | undefined, lang: Lang): string =>
  wordOf(ACTION_WORDS, action, lang, { zh: '更新', en: 'Update' });

/** True once nothing more will happen to the case (the resident's "done"). */
export const isFinished = (status: string | null | undefined): boolean => status === 'closed' || status === 'voided' || status === 'verified';

/** `/report/{id}?t=TOKEN` → its id and token; null for the report form (`/report`, `/report/`) or anything else. */
export function parseTrackingLink(pathname: string, search: string): { id: number; token: string } | null {
  const m = /^\/report\/(\d{1,15})\/?$/.exec(pathname);
  if (!m) return null;
  const id = Number(m[1]);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const token = new URLSearchParams(search).get('t')?.trim() ?? '';
  return { id, token };
}

/** The path of a case's tracking page. */
export const trackingPath = (id: number, token: string): string => `/report/${id}?t=${encodeURIComponent(token)}`;

/** An absolute tracking link for a server answer's `trackingUrl` (relative) or, without one, its id and token. */
export function trackingLink(origin: string, trackingUrl: string | null | undefined, id: number, token: string | null | undefined): string {
  if (trackingUrl) {
    try {
      return new URL(trackingUrl, origin).href;
    } catch {
      // fall through
    }
  }
  return origin + trackingPath(id, token ?? '');
}

/** A random RFC 4122 v4 UUID; crypto.randomUUID where there is one (it needs a secure context), else from getRandomValues. */
export function newUuid(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const b = random(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A phone number as a resident may type it: digits with spaces, dashes, brackets, a leading +; 5-20 digits. Empty is fine (optional). */
export function phoneProblem(phone: string): 'invalid' | null {
  const p = phone.trim();
  if (!p) return null;
  if (!/^\+?[\d\s\-()]+$/.test(p)) return 'invalid';
  const digits = p.replace(/\D/g, '').length;
  return digits >= 5 && digits <= 20 ? null : 'invalid';
}

/** An ISO instant as `YYYY-MM-DD HH:mm` Beijing time, as the map writes it. */
export { formatShanghai as formatTime } from '../incidents';

/** A distance in metres as the page says it: 约 12 米 / about 12 m. */
export const distanceWords = (metres: number, lang: Lang): string => {
  const m = Math.max(0, Math.round(metres));
  return lang === 'zh' ? `约 ${m} 米` : `about ${m} m`;
};

/** A case this phone filed, remembered so its tracking link is not lost (localStorage `gridgov.myReports`). */
export interface MyReport {
  id: number;
  path: string;
  category: string;
  at: string;
}

export const MY_REPORTS_KEY = 'gridgov.myReports';
export const MY_REPORTS_MAX = 10;

/** The stored list read back; anything malformed is dropped. */
export function readMyReports(raw: string | null): MyReport[] {
  if (!raw) return [];
  try {
    const list: unknown = JSON.parse(raw);
    if (!Array.isArray(list)) return [];
    return list
      .filter(
        (r): r is MyReport =>
          !!r && typeof r === 'object' && Number.isSafeInteger((r as MyReport).id) && typeof (r as MyReport).path === 'string' &&
          (r as MyReport).path.startsWith('/report/') && typeof (r as MyReport).category === 'string' && typeof (r as MyReport).at === 'string',
      )
      .slice(0, MY_REPORTS_MAX);
  } catch {
    return [];
  }
}

/** `report` first, the same case not twice, at most MY_REPORTS_MAX. */
export const addMyReport = (list: readonly MyReport[], report: MyReport): MyReport[] =>
  [report, ...list.filter((r) => r.id !== report.id)].slice(0, MY_REPORTS_MAX);
