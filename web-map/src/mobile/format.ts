/** Pure formatting for the phone app: countdowns, distances, travel times. */

export type Lang = 'zh' | 'en';

/** Whole seconds left until `expiresAt` (ISO), never negative; 0 for an unreadable time. */
export function secondsLeft(expiresAt: string, now: number): number {
  const end = Date.parse(expiresAt);
  if (!Number.isFinite(end)) return 0;
  return Math.max(0, Math.ceil((end - now) / 1000));
}

/** A countdown as m:ss (or h:mm:ss past an hour): 65 → "1:05", 0 → "0:00". */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Metres for a phone: "350 米" / "1.2 公里" (en: "350 m" / "1.2 km"); '' for a missing value. */
export function formatDistance(metres: number | null | undefined, lang: Lang): string {
  if (metres == null || !Number.isFinite(metres)) return '';
  if (metres < 1000) {
    const m = Math.max(0, Math.round(metres / 10) * 10);
    return lang === 'zh' ? `${m} 米` : `${m} m`;
  }
  const km = metres < 10_000 ? (Math.round(metres / 100) / 10).toFixed(1) : String(Math.round(metres / 1000));
  return lang === 'zh' ? `${km} 公里` : `${km} km`;
}

/** A travel time rounded up to whole minutes: "约 4 分钟" / "about 4 min"; '' for a missing value. */
export function formatEta(seconds: number | null | undefined, lang: Lang): string {
  if (seconds == null || !Number.isFinite(seconds)) return '';
  const min = Math.max(1, Math.ceil(seconds / 60));
  if (min >= 60) {
    const h = Math.floor(min / 60);
    const m = min % 60;
    return lang === 'zh' ? `约 ${h} 小时${m ? ` ${m} 分钟` : ''}` : `about ${h} h${m ? ` ${m} min` : ''}`;
  }
  return lang === 'zh' ? `约 ${min} 分钟` : `about ${min} min`;
}

/** Local clock time of an ISO instant, HH:mm. */
export function clockTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** The local date yyyy-MM-dd (the work log's `date`). */
export function localDate(now: Date): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/** Replaces `{name}` placeholders; unknown ones stay. */
export function fill(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}
