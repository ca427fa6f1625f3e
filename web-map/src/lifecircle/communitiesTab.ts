import { button } from '../admin/widgets';
import { el } from '../ui/dom';
import { className, FEW_BUILDINGS, formatShare, rankCommunities, type RankOrder } from './coverage';
import { shareBar, type LcContext } from './widgets';

const group = (n: number | null | undefined): string => (typeof n === 'number' && Number.isFinite(n) ? String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : '—');

/** The ranking: classes met (with the count of classes), the worst class and its share, buildings and households. */
export function communitiesTab(ctx: LcContext): Node[] {
  const { state, c, i18n, classes } = ctx;
  const list = state.communities;
  if (!list) return [];
  const ranked = rankCommunities(list, state.order);
  const orders: RankOrder[] = ['best', 'worst'];
  const toggle = el(
    'div',
    { class: 'lc-order', role: 'group' },
    ...orders.map((o) => button(i18n.t(`lc.communities.order.${o}`), { class: 'lc-order-button', 'data-order': o, 'aria-pressed': String(state.order === o) }, () => c.setOrder(o))),
  );
  const head = ['rank', 'name', 'met', 'worst', 'buildings', 'households'] as const;
  const rows = ranked.map((r) =>
    el(
      'tr',
      { 'data-code': r.code, 'data-rank': String(r.rank), 'aria-current': state.community?.code === r.code ? 'true' : false },
      el('td', { 'data-col': 'rank', class: 'lc-num' }, String(r.rank)),
      el(
        'td',
        { 'data-col': 'name' },
        button(r.name || r.code, { class: 'lc-link', 'data-action': 'open-community', 'data-code': r.code, title: i18n.t('lc.communities.open', { name: r.name || r.code }) }, () => void c.openCommunity(r.code)),
      ),
      el('td', { 'data-col': 'met' }, shareBar(r.met, i18n, FEW_BUILDINGS)),
      el(
        'td',
        { 'data-col': 'worst' },
        r.worstClass ? el('span', { class: 'lc-worst-name' }, className(r.worstClass, classes, i18n.current)) : '—',
        r.worstClass ? el('span', { class: 'lc-worst-share' }, formatShare(null, null, r.worstShare)) : null,
      ),
      el('td', { 'data-col': 'buildings', class: 'lc-num' }, group(r.buildings)),
      el('td', { 'data-col': 'households', class: 'lc-num lc-wide' }, group(r.households)),
    ),
  );
  const table = el(
    'table',
    { class: 'admin-table lc-table', 'data-table': 'communities' },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col', 'data-col': h, class: h === 'households' ? 'lc-wide' : false }, i18n.t(`lc.communities.${h}`))))),
    el('tbody', {}, ...(rows.length ? rows : [el('tr', { class: 'admin-empty' }, el('td', { colspan: String(head.length) }, i18n.t('lc.communities.none')))])),
  );
  return [el('div', { class: 'lc-row' }, el('p', { class: 'admin-intro lc-intro' }, i18n.t('lc.communities.count', { n: list.length })), toggle), table];
}
