import { table } from '../admin/widgets';
import type { StringKey } from '../i18n';
import { el } from '../ui/dom';
import { BALANCE_COLUMNS, balanceLines, DEVIATION_BREAKS, type BalanceCell } from './balance';
import { isDraft } from './state';
import { hint, type ViewContext } from './view';

/** 均衡: the load per large grid, a draft's beside the published plan's, the deviation coloured by fixed classes. */
export function balanceTab(ctx: ViewContext): Node[] {
  const { state, i18n } = ctx;
  if (!state.balance) return [hint(i18n.t('planner.problems.notLoaded'))];
  const before = isDraft(state.plan) ? state.baseline : null;
  const lines = balanceLines(state.balance, before);
  const cell = (c: BalanceCell, col: string): HTMLElement =>
    el(
      'td',
      { class: 'nowrap planner-num', 'data-col': col, 'data-before': c.before ?? false },
      el('span', { class: 'planner-after' }, c.text),
      c.before ? el('span', { class: 'planner-before', title: i18n.t('planner.balance.beforeTitle') }, c.delta ? `${c.before} (${c.delta})` : c.before) : null,
    );
  const rows = lines.map((l) =>
    el(
      'tr',
      { 'data-code': l.code, 'data-change': l.change, class: l.change === 'removed' ? 'inactive' : false },
      el(
        'td',
        { class: 'planner-balance-grid', title: l.team ? `${l.code} ${l.name} · ${l.team}` : `${l.code} ${l.name}` },
        el('strong', {}, l.name),
        el('div', { class: 'admin-hint' }, l.code),
        l.team ? el('div', { class: 'admin-hint planner-team' }, l.team) : null,
      ),
      ...BALANCE_COLUMNS.map((col) => cell(l.cells[col], col)),
      el(
        'td',
        { class: 'nowrap planner-num', 'data-col': 'deviation', 'data-class': l.deviation.cls ?? false },
        el('span', { class: `planner-deviation ${l.deviation.cls ?? ''}` }, l.deviation.text),
        l.deviation.before ? el('span', { class: `planner-before planner-deviation-before ${l.deviation.beforeCls ?? ''}` }, l.deviation.before) : null,
      ),
    ),
  );
  return [
    before ? hint(i18n.t('planner.balance.vsPublished')) : null,
    table('balance', ['grid', ...BALANCE_COLUMNS, 'deviation'].map((h) => i18n.t(`planner.balance.${h}` as StringKey)), rows, i18n.t('planner.balance.none')),
    el(
      'p',
      { class: 'admin-hint planner-deviation-legend' },
      i18n.t('planner.balance.legend', { balanced: Math.round(DEVIATION_BREAKS.balanced * 100), uneven: Math.round(DEVIATION_BREAKS.uneven * 100) }),
      ' ',
      el('span', { class: 'planner-deviation balanced' }, i18n.t('planner.balance.class.balanced')),
      ' ',
      el('span', { class: 'planner-deviation uneven' }, i18n.t('planner.balance.class.uneven')),
      ' ',
      el('span', { class: 'planner-deviation far' }, i18n.t('planner.balance.class.far')),
    ),
  ].filter((n): n is HTMLElement => !!n);
}
