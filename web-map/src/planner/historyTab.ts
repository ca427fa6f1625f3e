import { chip, table } from '../admin/widgets';
import type { StringKey } from '../i18n';
import { el } from '../ui/dom';
import { historyNewestFirst } from './history';
import { known, when, type ViewContext } from './view';

/** 历史: every edit of the plan, newest first: who, when, what; undone ones marked. */
export function historyTab(ctx: ViewContext): Node[] {
  const { state, i18n } = ctx;
  const rows = historyNewestFirst(state.history).map((e) =>
    el(
      'tr',
      { 'data-seq': String(e.seq), 'data-op': e.op, 'data-undone': String(e.undone), class: e.undone ? 'inactive' : false },
      el('td', { class: 'nowrap planner-num' }, String(e.seq)),
      el('td', { class: 'nowrap' }, when(e.at)),
      el('td', { class: 'nowrap' }, e.actor),
      el('td', { class: 'nowrap' }, known(i18n, `planner.op.${e.op}`, e.op), e.undone ? el('span', {}, ' ', chip(i18n.t('planner.history.undone'), 'off')) : null),
      el('td', { class: 'wrap-any' }, e.summary),
    ),
  );
  return [table('history', ['seq', 'at', 'actor', 'op', 'summary'].map((h) => i18n.t(`planner.history.${h}` as StringKey)), rows, i18n.t('planner.history.none'))];
}
