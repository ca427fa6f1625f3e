import { button, chip } from '../admin/widgets';
import type { I18n, StringKey } from '../i18n';
import { formatShanghai } from '../incidents';
import { el } from '../ui/dom';
import type { PlannerController } from './controller';
import type { PlannerState } from './state';
import type { PlanStatus } from './types';

/** What every part of the planner panel is drawn from. */
export interface ViewContext {
  state: PlannerState;
  c: PlannerController;
  i18n: I18n;
}

const STATUS_CHIP: Record<PlanStatus, 'warn' | 'ok' | 'off'> = { draft: 'warn', published: 'ok', archived: 'off' };

/** The translation of `key`, or `fallback` when there is none (a kind or op the server added later). */
export function known(i18n: I18n, key: string, fallback: string): string {
  const text = i18n.t(key as StringKey);
  return text === key ? fallback : text;
}

/** 草稿 / 已发布 / 已归档 as a chip, `.planner-status[data-status]`. */
export function statusBadge(status: string, i18n: I18n): HTMLElement {
  const kind = STATUS_CHIP[status as PlanStatus] ?? 'info';
  const badge = chip(known(i18n, `planner.status.${status}`, status), kind);
  badge.classList.add('planner-status');
  badge.setAttribute('data-status', status);
  return badge;
}

export const when = (iso: string | null | undefined): string => (iso ? formatShanghai(iso) : '—');

/** A section with a heading, `section.planner-section[data-section]`. */
export function section(name: string, title: string | null, ...children: Array<Node | null | false>): HTMLElement {
  return el('section', { class: 'planner-section', 'data-section': name }, title ? el('h3', { class: 'planner-h3' }, title) : null, ...children);
}

export const hint = (text: string): HTMLElement => el('p', { class: 'admin-intro planner-hint' }, text);

export const loadingLine = (i18n: I18n): HTMLElement => el('p', { class: 'admin-loading' }, i18n.t('admin.loading'));

/** A small primary or plain button with `data-action`. */
export function action(label: string, name: string, onClick: () => void, opts: { primary?: boolean; disabled?: boolean; danger?: boolean; title?: string } = {}): HTMLButtonElement {
  const cls = opts.primary ? 'btn-primary' : opts.danger ? 'btn-danger' : 'btn-link';
  return button(label, { class: `${cls} planner-action`, 'data-action': name, disabled: !!opts.disabled, title: opts.title }, onClick);
}
