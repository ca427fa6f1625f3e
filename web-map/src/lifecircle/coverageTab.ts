import { button } from '../admin/widgets';
import { el } from '../ui/dom';
import { className, coverageLines, FEW_BUILDINGS, MET_SHARE, shareOf } from './coverage';
import { chipEl, shareBar, type LcContext } from './widgets';

const group = (n: number | null | undefined): string => (typeof n === 'number' && Number.isFinite(n) ? String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : '—');

/**
 * One community's coverage: per class its level, required or optional, the covered share as a bar with covered/total
 * beside it (and what moved since the last facility change); the worst classes marked; a row picks the gaps drawn.
 */
export function coverageTab(ctx: LcContext): Node[] {
  const { state, c, i18n, classes } = ctx;
  const view = state.community;
  if (!view) return [el('p', { class: 'admin-intro' }, i18n.t('lc.coverage.pick'))];
  const out: Node[] = [];
  const coverage = view.coverage;
  out.push(
    el(
      'div',
      { class: 'lc-row lc-community-head', 'data-code': view.code },
      el('strong', { class: 'lc-community-name' }, view.name),
      coverage ? el('span', { class: 'lc-muted' }, i18n.t('lc.coverage.summary', { buildings: group(coverage.buildings), households: group(coverage.households) })) : null,
      el('span', { class: 'planner-spacer' }),
      button(i18n.t('lc.coverage.zoom'), { class: 'btn-link', 'data-action': 'zoom-community' }, () => c.zoomToCommunity()),
      button(i18n.t('lc.coverage.back'), { class: 'btn-link', 'data-action': 'back' }, () => c.setTab('communities')),
    ),
  );
  if (view.error) out.push(el('p', { class: 'admin-error', role: 'alert' }, view.error));
  if (!coverage) {
    if (view.loading) out.push(el('p', { class: 'admin-loading' }, i18n.t('lc.coverage.loading', { name: view.name })));
    return out;
  }
  // The server's count where the ranking has it (its rule, its threshold); else counted here by the same rule.
  const summary = state.communities?.find((x) => x.code === view.code);
  const required = coverage.classes.filter((x) => x.required !== false);
  const met = summary?.classesMet ?? required.filter((x) => (shareOf(x.buildingsCovered, x.buildings, x.share) ?? 0) >= MET_SHARE - 1e-9).length;
  const total = summary?.classes ?? required.length;
  out.push(el('p', { class: 'lc-met', 'data-met': String(met), 'data-total': String(total) }, i18n.t('lc.coverage.met', { met, total })));

  if (state.gapClass) {
    const name = className(state.gapClass, classes, i18n.current);
    const gap = coverage.gaps?.features.find((f) => f.properties?.class === state.gapClass);
    out.push(
      el(
        'p',
        { class: 'lc-gap-line', 'data-class': state.gapClass, 'data-buildings': gap ? String(gap.properties.buildings) : '0' },
        gap ? i18n.t('lc.coverage.gapsOf', { name, n: group(gap.properties.buildings) }) : i18n.t('lc.coverage.noGaps', { name }),
      ),
    );
  }

  const lines = coverageLines(coverage, classes, i18n.current, view.previous);
  const rows = lines.map((line) => {
    const current = state.gapClass === line.class;
    const row = el(
      'tr',
      {
        'data-class': line.class,
        'data-level': String(line.level),
        'data-required': String(line.required),
        'data-worst': String(line.worst),
        'aria-current': current ? 'true' : false,
        class: line.worst ? 'lc-worst' : false,
      },
      el(
        'td',
        { 'data-col': 'class' },
        button(line.name, { class: 'lc-link', 'data-action': 'show-gaps', 'data-class': line.class, 'aria-pressed': String(current), title: i18n.t('lc.coverage.showGaps') }, () =>
          c.chooseGapClass(current ? null : line.class),
        ),
        chipEl(i18n.t(line.required ? 'lc.coverage.required' : 'lc.coverage.optional'), line.required ? 'required' : 'optional'),
        line.worst ? chipEl(i18n.t('lc.coverage.worst'), 'worst') : null,
      ),
      el('td', { 'data-col': 'level', class: 'lc-num' }, i18n.t('lc.coverage.levelValue', { minutes: line.minutes })),
      el(
        'td',
        { 'data-col': 'share' },
        shareBar(line.buildings, i18n, FEW_BUILDINGS),
        line.delta ? el('span', { class: 'lc-delta', 'data-sign': line.delta.startsWith('+') ? 'up' : 'down', title: i18n.t('lc.coverage.delta') }, line.delta) : null,
      ),
      el('td', { 'data-col': 'households', class: 'lc-num lc-wide' }, line.households ?? '—'),
    );
    return row;
  });
  const head: Array<[string, string]> = [
    ['class', i18n.t('lc.coverage.class')],
    ['level', i18n.t('lc.coverage.level')],
    ['share', i18n.t('lc.coverage.share')],
    ['households', i18n.t('lc.coverage.households')],
  ];
  out.push(
    el(
      'table',
      { class: 'admin-table lc-table', 'data-table': 'coverage' },
      el('thead', {}, el('tr', {}, ...head.map(([k, h]) => el('th', { scope: 'col', 'data-col': k, class: k === 'households' ? 'lc-wide' : false }, h)))),
      el('tbody', {}, ...rows),
    ),
  );
  return out;
}
