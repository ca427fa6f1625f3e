import { button } from '../admin/widgets';
import type { I18n } from '../i18n';
import { el } from '../ui/dom';
import type { LifeCircleController } from './controller';
import type { ShareCell } from './coverage';
import type { LcNotice } from './notices';
import type { LcState } from './state';
import type { FacilityClass } from './types';

/** What every part of the life-circle panel is drawn from. */
export interface LcContext {
  state: LcState;
  c: LifeCircleController;
  i18n: I18n;
  classes: ReadonlyMap<string, FacilityClass>;
}

/** A share as a bar, its percentage and, always beside it, covered/total. */
export function shareBar(cell: ShareCell, i18n: I18n, fewLimit: number): HTMLElement {
  const fill = el('span', { class: 'lc-bar-fill', 'data-class': cell.cls ?? 'none' });
  fill.style.width = `${cell.width}%`;
  return el(
    'span',
    { class: 'lc-share-cell', 'data-few': cell.few ? 'true' : false, title: cell.few ? i18n.t('lc.coverage.few', { n: fewLimit }) : false },
    el('span', { class: 'lc-bar', 'aria-hidden': 'true' }, fill),
    el('span', { class: 'lc-share', 'data-class': cell.cls ?? 'none' }, cell.text),
    el('span', { class: 'lc-count' }, cell.count),
  );
}

export function swatch(color: string, kind: 'fill' | 'circle' | 'hatch' = 'fill'): HTMLElement {
  const s = el('span', { class: `lc-swatch lc-swatch-${kind}`, 'aria-hidden': 'true' });
  if (kind !== 'hatch') s.style.background = color;
  else s.style.borderColor = color;
  return s;
}

/** `.lc-notice[data-ok][data-kind]` with a close button, or nothing. */
export function noticeLine(n: LcNotice | null, i18n: I18n, onClose?: () => void): HTMLElement | null {
  if (!n) return null;
  return el(
    'div',
    { class: 'lc-notice', 'data-ok': String(n.ok), 'data-kind': n.kind, 'data-status': n.status === undefined ? false : String(n.status) },
    el('span', { class: 'lc-notice-text', role: n.ok ? 'status' : 'alert' }, n.text),
    onClose ? button('×', { class: 'admin-close lc-notice-close', 'aria-label': i18n.t('lc.closeNotice') }, onClose) : null,
  );
}

export const chipEl = (text: string, kind: string): HTMLElement => el('span', { class: `lc-chip lc-chip-${kind}` }, text);
