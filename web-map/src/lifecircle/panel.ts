import { button } from '../admin/widgets';
import type { I18n, StringKey } from '../i18n';
import { el } from '../ui/dom';
import { bandLegend, formatMetres } from './bands';
import { DISTANCE_CLASSES, DISTANCE_COLORS } from './breaks';
import { communitiesTab } from './communitiesTab';
import type { LifeCircleController } from './controller';
import { className, classIndex } from './coverage';
import { coverageTab } from './coverageTab';
import { facilitiesTab } from './facilitiesTab';
import { GAP_COLOR } from './layers';
import { LC_TABS, type LcTab } from './state';
import { noticeLine, swatch, type LcContext } from './widgets';

const TABS: Record<LcTab, (ctx: LcContext) => Node[]> = { communities: communitiesTab, coverage: coverageTab, facilities: facilitiesTab };

/** The map key: the isochrone's bands (or why there are none), the building colours, the gap hatch. */
function mapKey(ctx: LcContext): HTMLElement {
  const { state, c, i18n, classes } = ctx;
  const iso = state.iso;
  const parts: Array<Node | null> = [];
  const bands = bandLegend(iso.bands);
  parts.push(
    el(
      'div',
      { class: 'lc-key-block lc-iso', 'data-state': iso.state, 'data-bands': String(bands.length) },
      el(
        'div',
        { class: 'lc-row' },
        el('strong', {}, i18n.t('lc.iso.title')),
        iso.at ? el('span', { class: 'lc-muted lc-iso-at' }, i18n.t('lc.iso.at', { lon: iso.at[0].toFixed(5), lat: iso.at[1].toFixed(5) })) : null,
        el('span', { class: 'planner-spacer' }),
        iso.state !== 'idle' ? button(i18n.t('lc.iso.clear'), { class: 'btn-link', 'data-action': 'clear-isochrone' }, () => c.clearIsochrone()) : null,
      ),
      iso.state === 'idle' ? el('p', { class: 'lc-hint' }, i18n.t('lc.tool.isochrone.hint')) : null,
      iso.state === 'loading' ? el('p', { class: 'admin-loading' }, i18n.t('lc.iso.loading')) : null,
      bands.length
        ? el(
            'ul',
            { class: 'lc-key-list lc-bands' },
            ...bands.map((b) =>
              el(
                'li',
                { 'data-minutes': String(b.minutes), 'data-metres': String(b.metres) },
                swatch(b.color),
                el('span', {}, i18n.t('lc.iso.band', { minutes: b.minutes })),
                el('span', { class: 'lc-muted' }, i18n.t('lc.iso.metres', { metres: formatMetres(b.metres) })),
              ),
            ),
          )
        : null,
      iso.notice
        ? el('p', { class: 'lc-iso-notice', role: 'alert', 'data-kind': iso.notice.kind, 'data-status': iso.notice.status === undefined ? false : String(iso.notice.status) }, iso.notice.text)
        : null,
    ),
  );
  if (state.buildingClass) {
    parts.push(
      el(
        'div',
        { class: 'lc-key-block lc-distance', 'data-class': state.buildingClass },
        el('strong', {}, i18n.t('lc.legend.distance', { name: className(state.buildingClass, classes, i18n.current) })),
        el('ul', { class: 'lc-key-list' }, ...DISTANCE_CLASSES.map((k) => el('li', { 'data-class': k }, swatch(DISTANCE_COLORS[k]), el('span', {}, i18n.t(`lc.legend.${k}` as StringKey))))),
      ),
    );
  }
  if (state.community?.coverage && state.gapClass) {
    parts.push(el('div', { class: 'lc-key-block lc-gaps-key' }, el('ul', { class: 'lc-key-list' }, el('li', {}, swatch(GAP_COLOR, 'hatch'), el('span', {}, i18n.t('lc.legend.gaps'))))));
  }
  return el('section', { class: 'lc-key', 'aria-label': i18n.t('lc.iso.title') }, ...parts);
}

/** Draws the life-circle panel from the controller's state, all of it on every redraw (as the planner panel does). */
export function renderLifeCirclePanel(container: HTMLElement, c: LifeCircleController, i18n: I18n, onClose: () => void): void {
  const state = c.state;
  const ctx: LcContext = { state, c, i18n, classes: classIndex(state.classes) };
  const close = button('×', { class: 'admin-close', 'aria-label': i18n.t('lc.close'), title: i18n.t('lc.close') }, onClose);
  const placing =
    state.tool === 'place'
      ? el(
          'div',
          { class: 'lc-placing', role: 'status' },
          el('span', {}, i18n.t('lc.tool.place.hint')),
          button(i18n.t('lc.place.cancel'), { class: 'btn-link', 'data-action': 'cancel-placing' }, () => c.cancelPlacing()),
        )
      : null;
  const nav = el(
    'nav',
    { class: 'admin-tabs lc-tabs', role: 'tablist' },
    ...LC_TABS.map((id) => {
      const b = el('button', { type: 'button', role: 'tab', class: 'admin-tab lc-tab', 'data-tab': id, 'aria-selected': String(id === state.tab), disabled: id === 'coverage' && !state.community }, i18n.t(`lc.tab.${id}`));
      b.addEventListener('click', () => c.setTab(id));
      return b;
    }),
  );
  const content = el(
    'div',
    { class: 'admin-content lc-content', role: 'tabpanel', 'data-tab': state.tab },
    state.loading ? el('p', { class: 'admin-loading' }, i18n.t('admin.loading')) : null,
    state.loadError ? el('p', { class: 'admin-error', role: 'alert' }, state.loadError) : null,
    ...(state.loaded ? TABS[state.tab](ctx) : []),
  );
  const previous = container.querySelector('.lc-content');
  const scroll = previous?.getAttribute('data-tab') === state.tab ? previous.scrollTop : 0;
  container.replaceChildren(
    el('header', { class: 'admin-header' }, el('h2', { class: 'admin-title' }, i18n.t('lc.title')), close),
    placing ?? '',
    noticeLine(state.notice, i18n, () => c.dismissNotice()) ?? '',
    mapKey(ctx),
    nav,
    content,
  );
  content.scrollTop = scroll;
}
