import { notice, selectInput, table, toolbar } from '../admin/widgets';
import type { StringKey } from '../i18n';
import { el } from '../ui/dom';
import { compareSummary, formatArea, GRID_CHANGES, movingRows } from './compare';
import { PLAN_COLORS } from './planLayers';
import { publishedPlan } from './state';
import { action, hint, loadingLine, section, type ViewContext } from './view';

/** 对比: this plan against another, drawn overlaid (added, removed, reshaped), and the open cases changing team. */
export function compareTab(ctx: ViewContext): Node[] {
  const { state, c, i18n } = ctx;
  const plan = state.plan;
  if (!plan) return [];
  const others = state.plans.filter((p) => p.id !== plan.id);
  if (state.compare.withId === null) {
    const fallback = publishedPlan(others) ?? others.find((p) => p.id === plan.basedOnId) ?? others[0];
    if (fallback) c.setCompareWith(fallback.id);
  }
  const options: Array<[string, string]> = others.map((p) => [String(p.id), `${p.name}（${i18n.t(`planner.status.${p.status}` as StringKey)}）`]);
  const cmp = state.compare;
  const result = cmp.result;
  const parts: Array<Node | null> = [
    hint(i18n.t('planner.compare.hint', { name: plan.name })),
    others.length
      ? toolbar(
          selectInput('compareWith', options, String(state.compare.withId ?? ''), (v) => c.setCompareWith(Number(v))),
          action(i18n.t('planner.compare.run'), 'compare', () => void c.runCompare(), { primary: true, disabled: cmp.loading }),
          result ? action(i18n.t('planner.compare.clear'), 'clear-compare', () => c.clearCompare()) : null,
        )
      : hint(i18n.t('planner.compare.noOther')),
    cmp.loading ? loadingLine(i18n) : null,
    cmp.error ? notice({ ok: false, text: cmp.error }) : null,
  ];
  if (result) {
    const s = compareSummary(result);
    const swatch = (change: string): HTMLElement => el('span', { class: `planner-swatch ${change}`, style: `background:${PLAN_COLORS[change as keyof typeof PLAN_COLORS]}` });
    parts.push(
      el(
        'dl',
        { class: 'planner-compare-summary' },
        ...GRID_CHANGES.flatMap((change) => [
          el('dt', {}, swatch(change), i18n.t(`planner.compare.${change}` as StringKey)),
          el('dd', { 'data-count': change }, String(s[change])),
        ]),
        el('dt', {}, i18n.t('planner.compare.areaMoved')),
        el('dd', { 'data-count': 'areaMoved' }, formatArea(s.areaMovedM2)),
        el('dt', {}, i18n.t('planner.compare.renamed')),
        el('dd', { 'data-count': 'renamed' }, String(s.renamed)),
        el('dt', {}, i18n.t('planner.compare.moving')),
        el('dd', { 'data-count': 'moving' }, String(s.moving)),
        el('dt', {}, i18n.t('planner.compare.buildings')),
        el('dd', { 'data-count': 'buildings' }, String(s.buildings)),
      ),
    );
    const teams = new Map<string, string>();
    for (const f of state.grids?.large.features ?? []) if (f.properties.teamId != null && f.properties.teamName) teams.set(String(f.properties.teamId), f.properties.teamName);
    const rows = movingRows(result, (id) => teams.get(String(id))).map((m) =>
      el('tr', { 'data-incident-id': String(m.incidentId) }, el('td', { class: 'nowrap' }, `#${m.incidentId}`), el('td', {}, m.from), el('td', {}, m.to), el('td', { class: 'wrap-any' }, m.grids)),
    );
    parts.push(section('moving', i18n.t('planner.compare.movingTitle'), table('moving', ['incident', 'from', 'to', 'grids'].map((h) => i18n.t(`planner.compare.col.${h}` as StringKey)), rows, i18n.t('planner.compare.noneMoving'))));
    const changed = [...result.added.map((g) => ['added', g.code] as const), ...result.removed.map((g) => ['removed', g.code] as const), ...result.reshaped.map((g) => ['reshaped', g.code] as const)];
    if (changed.length) {
      parts.push(
        section(
          'changed-grids',
          i18n.t('planner.compare.gridsTitle'),
          el('p', { class: 'planner-codes' }, ...changed.map(([change, code]) => el('span', { class: `planner-code-chip ${change}`, 'data-change': change }, code))),
        ),
      );
    }
  }
  return parts.filter((n): n is HTMLElement => !!n);
}
