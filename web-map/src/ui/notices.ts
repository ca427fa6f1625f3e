import type { I18n, StringKey } from '../i18n';
import { formatShanghai } from '../incidents';
import type { GeofenceEvent } from '../types';
import { el } from './dom';
import './live.css';

/** A notice line: a string key (re-translated on a language switch) with parameters, or a server text. */
export type NoticeText = { key: StringKey; params?: Record<string, string | number> } | { text: string };

export interface NoticeOptions {
  /** `data-kind` of the line, for styling and tests (geofence-left, geofence-returned, offer, error). */
  kind?: string;
  /** Makes the line a button doing this (e.g. open the incident offered). */
  onClick?: () => void;
  /** Stays until dismissed (or cleared at sign-out) instead of going after NOTICE_MS: for a state that lasts. */
  sticky?: boolean;
}

export interface Notices {
  show(text: NoticeText, options?: NoticeOptions): void;
  clear(): void;
}

/** `09:41 张三 离开责任大网格 城东大网格`; `gridName` turns a large grid code into its name when it is known. */
export function geofenceNotice(e: GeofenceEvent, gridName: (code: string) => string | undefined = () => undefined): NoticeText {
  const code = typeof e.largeGridCode === 'string' ? e.largeGridCode : '';
  return {
    key: e.kind === 'returned' ? 'live.geofenceReturned' : 'live.geofenceLeft',
    params: {
      time: formatShanghai(e.t).slice(11),
      name: (typeof e.crewName === 'string' && e.crewName.trim()) || `#${e.crewId}`,
      grid: gridName(code) || code,
    },
  };
}

/** The incident an `offer` message is about (`incidentId`, else `id`), or null. */
export function offeredIncident(e: Record<string, unknown>): number | null {
  const id = typeof e.incidentId === 'number' ? e.incidentId : e.id;
  return typeof id === 'number' && Number.isInteger(id) ? id : null;
}

/** `新的指派：案件 #42 井盖缺失`. */
export function offerNotice(e: Record<string, unknown>): NoticeText | null {
  const id = offeredIncident(e);
  if (id === null) return null;
  const category = typeof e.categoryName === 'string' ? e.categoryName : '';
  return { key: 'live.offer', params: { id, category } };
}

/** How long a notice stays, and how many are shown at once (the oldest goes first). */
export const NOTICE_MS = 12_000;
export const MAX_NOTICES = 5;

interface Entry {
  id: number;
  text: NoticeText;
  options: NoticeOptions;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Short notices in `#notices` (`.notice[data-kind]`), newest last; every text is set as text. */
export function createNotices(container: HTMLElement, i18n: I18n): Notices {
  let entries: Entry[] = [];
  let nextId = 0;

  const textOf = (t: NoticeText): string => ('key' in t ? i18n.t(t.key, t.params) : t.text);

  const remove = (id: number): void => {
    const entry = entries.find((e) => e.id === id);
    if (!entry) return;
    clearTimeout(entry.timer);
    entries = entries.filter((e) => e !== entry);
    render();
  };

  function render(): void {
    container.replaceChildren(
      ...entries.map((entry) => {
        const text = textOf(entry.text);
        const body = entry.options.onClick
          ? el('button', { type: 'button', class: 'notice-text notice-link' }, text)
          : el('span', { class: 'notice-text' }, text);
        if (entry.options.onClick) {
          const onClick = entry.options.onClick;
          body.addEventListener('click', () => {
            remove(entry.id);
            onClick();
          });
        }
        const dismiss = el('button', { type: 'button', class: 'notice-dismiss', title: i18n.t('live.dismiss'), 'aria-label': i18n.t('live.dismiss') }, '×');
        dismiss.addEventListener('click', () => remove(entry.id));
        return el('div', { class: 'notice', 'data-kind': entry.options.kind ?? 'info', role: 'status' }, body, dismiss);
      }),
    );
  }

  i18n.onChange(render);

  return {
    show(text, options = {}) {
      const id = ++nextId;
      entries.push({ id, text, options, timer: options.sticky ? undefined : setTimeout(() => remove(id), NOTICE_MS) });
      while (entries.length > MAX_NOTICES) {
        const oldest = entries.shift()!;
        clearTimeout(oldest.timer);
      }
      render();
    },
    clear() {
      for (const e of entries) clearTimeout(e.timer);
      entries = [];
      render();
    },
  };
}
