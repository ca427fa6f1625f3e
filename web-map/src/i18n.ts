import { en, zh, type StringKey } from './strings';
import type { KeyValueStorage } from './auth';

export type Lang = 'zh' | 'en';
export type { StringKey };

export const LANG_KEY = 'gridgov.lang';
export const LANGS: readonly Lang[] = ['zh', 'en'];
export const DICTIONARIES: Record<Lang, Record<StringKey, string>> = { zh, en };

const ROLE_KEYS: Record<string, StringKey> = {
  admin: 'role.admin',
  dispatcher: 'role.dispatcher',
  planner: 'role.planner',
  crew: 'role.crew',
  leader: 'role.leader',
};

/** Replaces `{name}` placeholders; unknown ones are left as they are. */
export function format(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The `{name}` placeholders a template uses, sorted. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

export class I18n {
  private lang: Lang;
  private readonly listeners = new Set<(lang: Lang) => void>();

  constructor(private readonly storage: KeyValueStorage | null, fallback: Lang = 'zh') {
    this.lang = readLang(storage) ?? fallback;
  }

  get current(): Lang {
    return this.lang;
  }

  t(key: StringKey, params?: Record<string, string | number>): string {
    const text = DICTIONARIES[this.lang][key] ?? DICTIONARIES.zh[key] ?? key;
    return format(text, params);
  }

  /** Display name of a role code; unknown roles are shown as they are. */
  role(code: string): string {
    const key = ROLE_KEYS[code.toLowerCase()];
    return key ? this.t(key) : code;
  }

  set(lang: Lang): void {
    if (lang === this.lang) return;
    this.lang = lang;
    try {
      this.storage?.setItem(LANG_KEY, lang);
    } catch {
      // not remembered, still switched
    }
    for (const listener of this.listeners) listener(lang);
  }

  toggle(): void {
    this.set(this.lang === 'zh' ? 'en' : 'zh');
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  onChange(listener: (lang: Lang) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sets textContent / title / placeholder of elements marked with data-i18n, data-i18n-title, data-i18n-placeholder. */
  apply(root: ParentNode): void {
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
      el.textContent = this.t(el.dataset.i18n as StringKey);
    }
    for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-title]')) {
      el.title = this.t(el.dataset.i18nTitle as StringKey);
    }
    for (const el of root.querySelectorAll<HTMLInputElement>('[data-i18n-placeholder]')) {
      el.placeholder = this.t(el.dataset.i18nPlaceholder as StringKey);
    }
  }
}

function readLang(storage: KeyValueStorage | null): Lang | null {
  try {
    const value = storage?.getItem(LANG_KEY);
    return value === 'zh' || value === 'en' ? value : null;
  } catch {
    return null;
  }
}
