import { field, formError, selectInput, table, textInput, toolbar } from '../admin/widgets';
import type { StringKey } from '../i18n';
import type { GridLevel } from '../types';
import { el } from '../ui/dom';
import { EXPORT_FORMATS, GRID_LEVELS, type ExportFormat } from './types';
import { action, hint, section, statusBadge, when, type ViewContext } from './view';

/** The day of an instant in Beijing time (the full time is the cell's title). */
const day = (iso: string | null | undefined): string => when(iso).slice(0, 10);

/** 方案: the plan list with status badges, a new draft, and the shown plan's export. */
export function plansTab(ctx: ViewContext): Node[] {
  const { state, c, i18n } = ctx;
  const rows = [...state.plans]
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.id - a.id)
    .map((p) => {
      const current = state.plan?.id === p.id;
      const row = el(
        'tr',
        { 'data-plan-id': String(p.id), 'data-status': p.status, class: current ? 'planner-row-current' : false, 'aria-current': current ? 'true' : false },
        el('td', { class: 'wrap-any' }, el('button', { type: 'button', class: 'admin-expand planner-plan-open', 'data-action': 'open-plan' }, p.name)),
        el('td', {}, statusBadge(p.status, i18n)),
        el('td', { class: 'planner-when', title: when(p.createdAt) }, day(p.createdAt), el('span', { class: 'admin-hint' }, p.createdBy ?? '—')),
        el('td', { class: 'planner-when', title: when(p.publishedAt) }, day(p.publishedAt), p.status === 'archived' && p.archivedAt ? el('span', { class: 'admin-hint' }, i18n.t('planner.plans.archivedAt', { day: day(p.archivedAt) })) : null),
        el('td', { class: 'nowrap planner-num' }, String(p.version)),
      );
      row.querySelector('button')!.addEventListener('click', () => void c.selectPlan(p.id));
      return row;
    });
  return [
    toolbar(
      action(i18n.t('planner.new.open'), 'new-draft', () => c.openNewDraft(), { primary: true, disabled: !!state.newDraft }),
      el('span', { class: 'admin-count' }, i18n.t('planner.plans.count', { n: state.plans.length })),
    ),
    state.newDraft ? newDraftForm(ctx) : null,
    table(
      'plans',
      ['name', 'status', 'createdAt', 'publishedAt', 'version'].map((h) => i18n.t(`planner.plans.${h}` as StringKey)),
      rows,
      i18n.t('planner.plans.none'),
    ),
    state.plan ? exportSection(ctx) : null,
  ].filter((n): n is HTMLElement => !!n);
}

function newDraftForm(ctx: ViewContext): HTMLElement {
  const { state, c, i18n } = ctx;
  const form = state.newDraft!;
  const bases: Array<[string, string]> = [
    ['published', i18n.t('planner.new.base.published')],
    ...(state.plan ? [['selected', i18n.t('planner.new.base.selected', { name: state.plan.name })] as [string, string]] : []),
    ['empty', i18n.t('planner.new.base.empty')],
  ];
  const errors = { fields: {}, form: form.error ? [form.error] : [] };
  const el_ = el(
    'form',
    { class: 'admin-form', 'data-form': 'new-draft', novalidate: true },
    el('div', { class: 'admin-form-title' }, i18n.t('planner.new.title')),
    el(
      'div',
      { class: 'admin-form-grid' },
      field('name', i18n.t('planner.new.name'), textInput('name', form.name, (v) => c.updateNewDraft({ name: v }), { placeholder: i18n.t('planner.new.namePlaceholder') }), errors),
      field('base', i18n.t('planner.new.base'), selectInput('base', bases, form.base, (v) => c.updateNewDraft({ base: v as 'published' | 'selected' | 'empty' })), errors),
    ),
    formError(errors),
    el(
      'div',
      { class: 'admin-form-actions' },
      el('button', { type: 'submit', class: 'btn-primary admin-submit', disabled: state.busy }, i18n.t('planner.new.create')),
      action(i18n.t('admin.cancel'), 'cancel-new-draft', () => c.closeNewDraft()),
    ),
  );
  el_.addEventListener('submit', (event) => {
    event.preventDefault();
    void c.createDraft();
  });
  return el_;
}

/** Export controls are kept across redraws in these (the choice is the user's, not the state's). */
const exportChoice: { level: GridLevel; format: ExportFormat } = { level: 'unit', format: 'geojson' };

function exportSection(ctx: ViewContext): HTMLElement {
  const { c, i18n } = ctx;
  return section(
    'export',
    i18n.t('planner.export.title'),
    hint(i18n.t('planner.export.hint')),
    toolbar(
      selectInput('exportLevel', GRID_LEVELS.map((l) => [l, i18n.t(`planner.level.${l}` as StringKey)]), exportChoice.level, (v) => (exportChoice.level = v as GridLevel)),
      selectInput('exportFormat', EXPORT_FORMATS.map((f) => [f, i18n.t(`planner.export.format.${f}` as StringKey)]), exportChoice.format, (v) => (exportChoice.format = v as ExportFormat)),
      action(i18n.t('planner.export.download'), 'export', () => void c.exportLevel(exportChoice.level, exportChoice.format)),
    ),
  );
}
