import { el } from '../ui/dom';
import { IMPORT_COLUMNS, IMPORT_PARTS, importForm, importOutcome, renderImportOutcome, type ImportOutcome, type ImportPart } from './importReport';
import type { AdminTab, TabContext } from './tab';
import { button, notice, toolbar } from './widgets';

/** 导入人员: teams, crews and users from CSV, checked whole by the server; the answer as a row-by-row report. */
export function createImportTab(ctx: TabContext): AdminTab {
  const { api, i18n } = ctx;
  let files: Partial<Record<ImportPart, File>> = {};
  let outcome: ImportOutcome | null = null;
  let busy = false;
  let missing = false;
  /** The file inputs live across redraws (a new element would show no file chosen); cleared after an import. */
  let inputs = new Map<ImportPart, HTMLInputElement>();

  async function upload(): Promise<void> {
    const form = importForm(files);
    missing = !form;
    if (!form || busy) return ctx.redraw();
    busy = true;
    outcome = null;
    ctx.redraw();
    try {
      outcome = importOutcome({ result: await api.importPeople(form) }, i18n);
      files = {};
      inputs = new Map();
    } catch (error) {
      outcome = importOutcome({ error }, i18n);
    } finally {
      busy = false;
      ctx.redraw();
    }
  }

  const fileInput = (part: ImportPart): HTMLElement => {
    let input = inputs.get(part);
    if (!input) {
      const created = el('input', { type: 'file', name: part, accept: '.csv,text/csv', 'data-part': part });
      created.addEventListener('change', () => {
        const file = created.files?.[0];
        if (file) files[part] = file;
        else delete files[part];
        missing = false;
      });
      inputs.set(part, (input = created));
    }
    return el(
      'div',
      { class: 'admin-field', 'data-field': part },
      el('label', {}, el('span', { class: 'admin-label' }, i18n.t(`admin.import.part.${part}`)), input),
      el('span', { class: 'admin-hint' }, el('code', {}, IMPORT_COLUMNS[part])),
    );
  };

  return {
    load: async () => ctx.redraw(),
    reset() {
      files = {};
      outcome = null; // first passwords are shown once
      missing = false;
      inputs = new Map();
    },
    render() {
      return [
        el('p', { class: 'admin-intro' }, i18n.t('admin.import.intro')),
        el('form', { class: 'admin-form admin-import', 'data-form': 'import' }, el('div', { class: 'admin-form-grid' }, ...IMPORT_PARTS.map(fileInput))),
        toolbar(
          button(busy ? i18n.t('admin.import.uploading') : i18n.t('admin.import.upload'), { class: 'btn-primary', 'data-action': 'import', disabled: busy }, () => void upload()),
        ),
        missing ? notice({ ok: false, text: i18n.t('admin.import.noFile') }) : null,
        outcome ? renderImportOutcome(outcome, i18n) : null,
      ].filter((n): n is HTMLElement => !!n);
    },
  };
}
