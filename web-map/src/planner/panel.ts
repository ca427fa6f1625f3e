import { button, notice } from '../admin/widgets';
import type { I18n, StringKey } from '../i18n';
import { el } from '../ui/dom';
import { balanceTab } from './balanceTab';
import { compareTab } from './compareTab';
import type { PlannerController } from './controller';
import { importDialog, publishDialog } from './dialogs';
import { editTab } from './editTab';
import { historyTab } from './historyTab';
import { plansTab } from './plansTab';
import { problemsTab } from './problemsTab';
import { isDraft, latestDraft, PLANNER_TABS, publishedPlan, type PlannerTab } from './state';
import { action, loadingLine, statusBadge, type ViewContext } from './view';

const TABS: Record<PlannerTab, (ctx: ViewContext) => Node[]> = {
  plans: plansTab,
  edit: editTab,
  problems: problemsTab,
  balance: balanceTab,
  compare: compareTab,
  history: historyTab,
};

/**
 * Draws the planner panel from the controller's state, all of it on every redraw (as the admin panel does):
 * header with the plan shown (name, status, version, 草稿/已发布 switch, publish), the line of news, the tabs.
 */
export function renderPanel(container: HTMLElement, c: PlannerController, i18n: I18n, onClose: () => void): void {
  const state = c.state;
  const ctx: ViewContext = { state, c, i18n };
  const plan = state.plan;
  const body = document.body;
  if (plan) {
    body.dataset.plannerPlan = String(plan.id);
    body.dataset.plannerStatus = plan.status;
    body.dataset.plannerVersion = String(plan.version);
  } else {
    delete body.dataset.plannerPlan;
    delete body.dataset.plannerStatus;
    delete body.dataset.plannerVersion;
  }
  body.dataset.plannerBusy = String(state.busy || state.loading);
  body.dataset.plannerTool = state.tool.tool;

  const draft = latestDraft(state.plans);
  const published = publishedPlan(state.plans);
  const switcher = el(
    'div',
    { class: 'planner-switch', role: 'group' },
    ...(['draft', 'published'] as const).map((which) => {
      const target = which === 'draft' ? draft : published;
      const b = button(i18n.t(`planner.status.${which}`), { class: 'planner-switch-button', 'data-switch': which, 'aria-pressed': String(!!plan && target?.id === plan.id), disabled: !target || state.loading }, () => void c.switchTo(which));
      return b;
    }),
  );
  const current = plan
    ? el(
        'div',
        { class: 'planner-current', 'data-plan-id': String(plan.id), 'data-status': plan.status, 'data-version': String(plan.version) },
        el('span', { class: 'planner-plan-name', title: plan.name }, plan.name),
        statusBadge(plan.status, i18n),
        el('span', { class: 'planner-version' }, i18n.t('planner.version', { v: plan.version })),
        el('span', { class: 'planner-spacer' }),
        switcher,
        isDraft(plan) ? action(i18n.t('planner.publish.open'), 'publish', () => void c.openPublish(), { primary: true, disabled: state.busy }) : null,
      )
    : el('div', { class: 'planner-current' }, el('span', { class: 'admin-muted' }, state.loading ? i18n.t('admin.loading') : i18n.t('planner.noPlan')), el('span', { class: 'planner-spacer' }), switcher);

  const problemCount = state.problems.length;
  const nav = el(
    'nav',
    { class: 'admin-tabs planner-tabs', role: 'tablist' },
    ...PLANNER_TABS.map((id) => {
      const label = i18n.t(`planner.tab.${id}` as StringKey);
      const b = el(
        'button',
        { type: 'button', role: 'tab', class: 'admin-tab planner-tab', 'data-tab': id, 'aria-selected': String(id === state.tab), disabled: id === 'edit' && !isDraft(plan) },
        label,
        id === 'problems' && problemCount ? el('span', { class: 'planner-tab-count', 'data-count': String(problemCount) }, String(problemCount)) : null,
      );
      b.addEventListener('click', () => c.setTab(id));
      return b;
    }),
  );
  const close = button('×', { class: 'admin-close', 'aria-label': i18n.t('planner.close'), title: i18n.t('planner.close') }, onClose);
  const news = state.notice
    ? el('div', { class: 'planner-notice', 'data-ok': String(state.notice.ok) }, notice(state.notice), button('×', { class: 'admin-close planner-notice-close', 'aria-label': i18n.t('admin.closeMessage') }, () => c.dismissNotice()))
    : null;
  const content = el(
    'div',
    { class: 'admin-content planner-content', role: 'tabpanel', 'data-tab': state.tab },
    ...(state.loading && !plan ? [loadingLine(i18n)] : []),
    ...(state.loadError ? [notice({ ok: false, text: i18n.t('planner.loadFailed', { detail: state.loadError }) })!] : []),
    ...(plan || state.tab === 'plans' ? TABS[state.tab](ctx) : []),
  );
  const previous = container.querySelector('.planner-content');
  const scroll = previous?.getAttribute('data-tab') === state.tab ? previous.scrollTop : 0;
  container.replaceChildren(
    el('header', { class: 'admin-header' }, el('h2', { class: 'admin-title' }, i18n.t('planner.title')), close),
    current,
    news ?? '',
    nav,
    content,
    state.importForm ? importDialog(ctx) : '',
    state.publish ? publishDialog(ctx) : '',
  );
  content.scrollTop = scroll;
}
