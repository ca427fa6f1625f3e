import { button, notice, selectInput, table, textInput } from '../admin/widgets';
import type { StringKey } from '../i18n';
import { el } from '../ui/dom';
import { importErrorRows, IMPORT_ACCEPT } from './importErrors';
import { problemItems } from './problems';
import { GEO_CRS, GRID_LEVELS, type GeoCrs, type Problem } from './types';
import { action, known, loadingLine, type ViewContext } from './view';

/** A dialog over the panel: `.planner-dialog[data-dialog][role=dialog]` with a title, a body and its buttons. */
function dialog(name: string, title: string, onClose: () => void, ...children: Array<Node | null | false>): HTMLElement {
  const close = button('×', { class: 'admin-close planner-dialog-close', 'aria-label': title }, onClose);
  return el(
    'div',
    { class: 'planner-dialog-backdrop' },
    el('div', { class: 'planner-dialog', role: 'dialog', 'aria-modal': 'true', 'data-dialog': name }, el('header', { class: 'admin-header' }, el('h3', { class: 'admin-title' }, title), close), ...children),
  );
}

/** The file input lives across redraws (a new one would show no file chosen); a new one after each import. */
let fileInput: HTMLInputElement | null = null;

export function forgetImportFile(): void {
  fileInput = null;
}

/** 导入: file, level, crs (or read from .prj), field names; a bad file's problems listed per feature. */
export function importDialog(ctx: ViewContext): HTMLElement {
  const { state, c, i18n } = ctx;
  const form = state.importForm!;
  if (!form.file && fileInput?.files?.length) fileInput = null;
  if (!fileInput) {
    const input = el('input', { type: 'file', name: 'file', accept: IMPORT_ACCEPT, 'data-field': 'file' });
    input.addEventListener('change', () => c.updateImport({ file: input.files?.[0] ?? null, missing: false }));
    fileInput = input;
  }
  const labelled = (name: string, label: string, control: HTMLElement, hint?: string): HTMLElement =>
    el('div', { class: 'admin-field', 'data-field': name }, el('label', {}, el('span', { class: 'admin-label' }, label), control), hint ? el('span', { class: 'admin-hint' }, hint) : null);
  const crsOptions: Array<[string, string]> = [['', i18n.t('planner.import.crs.prj')], ...GEO_CRS.map((crs) => [crs, i18n.t(`planner.crs.${crs}` as StringKey)] as [string, string])];
  const errors = form.errors ? importErrorRows(form.errors) : [];
  const errorRows = errors.map((row) =>
    el(
      'tr',
      { 'data-key': row.key, 'data-feature': row.feature === null ? false : String(row.feature) },
      el('td', { class: 'nowrap import-row' }, row.feature === null ? i18n.t('planner.import.wholeFile') : i18n.t('planner.import.feature', { n: row.feature })),
      el('td', { class: 'nowrap' }, row.code || '—'),
      el('td', { class: 'import-messages' }, ...row.messages.map((m) => el('div', {}, m))),
    ),
  );
  const submit = el('button', { type: 'submit', class: 'btn-primary admin-submit', 'data-action': 'import', disabled: state.busy }, state.busy ? i18n.t('planner.import.uploading') : i18n.t('planner.import.submit'));
  const body = el(
    'form',
    { class: 'admin-form planner-import', 'data-form': 'import', novalidate: true },
    el(
      'div',
      { class: 'admin-form-grid' },
      labelled('file', i18n.t('planner.import.file'), fileInput, i18n.t('planner.import.fileHint')),
      labelled('level', i18n.t('planner.import.level'), selectInput('level', GRID_LEVELS.map((l) => [l, i18n.t(`planner.level.${l}` as StringKey)]), form.level, (v) => c.updateImport({ level: v as typeof form.level }))),
      labelled('crs', i18n.t('planner.import.crs'), selectInput('crs', crsOptions, form.crs, (v) => c.updateImport({ crs: v as GeoCrs | '' })), i18n.t('planner.import.crsHint')),
      labelled('codeField', i18n.t('planner.import.codeField'), textInput('codeField', form.codeField, (v) => c.updateImport({ codeField: v }), { placeholder: 'code' })),
      labelled('nameField', i18n.t('planner.import.nameField'), textInput('nameField', form.nameField, (v) => c.updateImport({ nameField: v }), { placeholder: 'name' })),
      labelled('parentField', i18n.t('planner.import.parentField'), textInput('parentField', form.parentField, (v) => c.updateImport({ parentField: v }), { placeholder: 'parentCode' })),
    ),
    el('p', { class: 'admin-hint' }, i18n.t('planner.import.replaces')),
    el('div', { class: 'admin-form-actions' }, submit, action(i18n.t('admin.cancel'), 'close-import', () => c.closeImport())),
  );
  body.addEventListener('submit', (event) => {
    event.preventDefault();
    void c.importFile();
  });
  const outcome = form.result
    ? el('div', { class: 'admin-import-report planner-import-report', 'data-state': 'done' }, notice({ ok: true, text: i18n.t('planner.import.done', { created: form.result.created, updated: form.result.updated, removed: form.result.removed }) }))
    : form.errors || form.error
      ? el(
          'div',
          { class: 'admin-import-report planner-import-report', 'data-state': 'rejected' },
          notice({ ok: false, text: i18n.t('planner.import.rejected', { detail: form.error ?? '' }) }),
          errorRows.length ? table('import-errors', ['where', 'code', 'messages'].map((h) => i18n.t(`planner.import.col.${h}` as StringKey)), errorRows, '') : null,
        )
      : null;
  return dialog('import', i18n.t('planner.import.title', { level: i18n.t(`planner.level.${form.level}` as StringKey) }), () => c.closeImport(), form.missing ? notice({ ok: false, text: i18n.t('planner.import.noFile') }) : null, body, outcome);
}

function problemList(ctx: ViewContext, problems: readonly Problem[]): HTMLElement {
  const { i18n } = ctx;
  return el(
    'ul',
    { class: 'planner-problems planner-publish-problems' },
    ...problemItems(problems).map((p) =>
      el(
        'li',
        { class: 'planner-problem', 'data-kind': p.kind },
        el('span', { class: 'planner-problem-kind' }, known(i18n, `planner.problem.${p.kind}`, p.kind)),
        el('span', { class: 'planner-problem-codes' }, p.codes.join('、') || '—'),
        p.detail ? el('span', { class: 'planner-problem-detail' }, p.detail) : null,
      ),
    ),
  );
}

/** 发布: how many open cases move to another team, and, when the plan is not valid, why it cannot be published. */
export function publishDialog(ctx: ViewContext): HTMLElement {
  const { state, c, i18n } = ctx;
  const d = state.publish!;
  const plan = state.plan!;
  const problems = d.refused ?? (d.validation && !d.validation.valid ? d.validation.problems : null);
  const blocked = !!problems?.length;
  return dialog(
    'publish',
    i18n.t('planner.publish.title', { name: plan.name }),
    () => c.closePublish(),
    d.loading ? loadingLine(i18n) : null,
    !d.loading && d.moving !== null
      ? el(
          'p',
          { class: 'planner-publish-moving', 'data-moving': String(d.moving), 'data-buildings': String(d.buildings ?? 0) },
          i18n.t('planner.publish.moving', { n: d.moving, buildings: d.buildings ?? 0 }),
        )
      : null,
    !d.loading ? el('p', { class: 'admin-hint' }, i18n.t('planner.publish.archives')) : null,
    blocked ? el('div', { class: 'admin-error planner-publish-blocked', role: 'alert' }, i18n.t('planner.publish.invalid', { n: problems!.length })) : null,
    blocked ? problemList(ctx, problems!) : null,
    d.error && !blocked ? notice({ ok: false, text: d.error }) : null,
    el(
      'div',
      { class: 'admin-form-actions' },
      action(state.busy ? i18n.t('planner.publish.publishing') : i18n.t('planner.publish.confirm'), 'confirm-publish', () => void c.confirmPublish(), { danger: true, disabled: d.loading || blocked || state.busy }),
      action(i18n.t('admin.cancel'), 'cancel-publish', () => c.closePublish()),
    ),
  );
}
