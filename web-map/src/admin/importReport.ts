import { ApiError } from '../api';
import { describeError } from '../errors';
import type { I18n } from '../i18n';
import { el } from '../ui/dom';
import type { PeopleImportResult } from './types';

/** The people import: which files go in which part, and the server's answer as a row-by-row report. */

export const IMPORT_PARTS = ['teams', 'crews', 'users', 'file'] as const;
export type ImportPart = (typeof IMPORT_PARTS)[number];

/** The CSV columns of each part (PeopleImport.cs), shown as help next to the file inputs. */
export const IMPORT_COLUMNS: Record<ImportPart, string> = {
  teams: 'name,type,largeGrid,roleMix',
  crews: 'employeeNo,name,team,role,shift,phone,isLead',
  users: 'username,roles,team,crew,password',
  file: 'kind,…',
};

/** multipart/form-data with one part per chosen file, named as the server expects; null when none is chosen. */
export function importForm(files: Partial<Record<ImportPart, Blob & { name?: string }>>): FormData | null {
  const form = new FormData();
  let any = false;
  for (const part of IMPORT_PARTS) {
    const file = files[part];
    if (!file) continue;
    form.append(part, file, file.name || `${part}.csv`);
    any = true;
  }
  return any ? form : null;
}

/** One line of the report: the file and row a problem names (row null for a whole file or the request). */
export interface ImportProblem {
  where: string;
  file: string;
  row: number | null;
  messages: string[];
}

const ROW_KEY = /^(.*) row (\d+)$/;

/** The problems of a 400 answer, by file (in the order the server named them) and row number. */
export function importProblems(error: ApiError): ImportProblem[] {
  const files: string[] = [];
  const list = Object.entries(error.errors).map(([where, messages]): ImportProblem => {
    const m = ROW_KEY.exec(where);
    const file = m ? m[1]! : where;
    if (!files.includes(file)) files.push(file);
    return { where, file, row: m ? Number(m[2]) : null, messages: [...messages] };
  });
  return list.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || (a.row ?? -1) - (b.row ?? -1));
}

/** What the import tab shows after an upload. */
export type ImportOutcome =
  | { kind: 'done'; result: PeopleImportResult }
  | { kind: 'rejected'; detail: string; problems: ImportProblem[] }
  | { kind: 'failed'; message: string };

export function importOutcome(answer: { result: PeopleImportResult } | { error: unknown }, i18n: I18n): ImportOutcome {
  if ('result' in answer) return { kind: 'done', result: answer.result };
  const error = answer.error;
  if (error instanceof ApiError && error.status === 400 && Object.keys(error.errors).length) {
    return { kind: 'rejected', detail: error.detail, problems: importProblems(error) };
  }
  return { kind: 'failed', message: describeError(error, i18n) };
}

const th = (text: string): HTMLTableCellElement => el('th', { scope: 'col' }, text);

/** The report: counts and first passwords after a good import; every bad row after a refused one. All text as text. */
export function renderImportOutcome(outcome: ImportOutcome, i18n: I18n): HTMLElement {
  if (outcome.kind === 'failed') {
    return el('div', { class: 'admin-import-report', 'data-state': 'failed' }, el('p', { class: 'admin-error', role: 'alert' }, outcome.message));
  }
  if (outcome.kind === 'rejected') {
    const rows = outcome.problems.map((p) =>
      el(
        'tr',
        { 'data-where': p.where, 'data-row': p.row === null ? false : String(p.row) },
        el('td', { class: 'import-file' }, p.file),
        el('td', { class: 'import-row' }, p.row === null ? '—' : i18n.t('admin.import.rowN', { n: p.row })),
        el('td', { class: 'import-messages' }, ...p.messages.map((m) => el('div', {}, m))),
      ),
    );
    return el(
      'div',
      { class: 'admin-import-report', 'data-state': 'rejected', 'data-problems': String(outcome.problems.length) },
      el('p', { class: 'admin-error', role: 'alert' }, i18n.t('admin.import.rejected', { n: outcome.problems.length })),
      el(
        'table',
        { class: 'admin-table import-problems' },
        el('thead', {}, el('tr', {}, th(i18n.t('admin.import.file')), th(i18n.t('admin.import.row')), th(i18n.t('admin.import.problem')))),
        el('tbody', {}, ...rows),
      ),
    );
  }
  const r = outcome.result;
  const count = (kind: 'teams' | 'crews' | 'users') =>
    el(
      'tr',
      { 'data-kind': kind },
      el('td', {}, i18n.t(`admin.import.kind.${kind}`)),
      el('td', { 'data-count': 'created' }, String(r[kind]?.created ?? 0)),
      el('td', { 'data-count': 'updated' }, String(r[kind]?.updated ?? 0)),
    );
  const passwords = r.passwords ?? [];
  return el(
    'div',
    { class: 'admin-import-report', 'data-state': 'done' },
    el('p', { class: 'admin-ok', role: 'status' }, i18n.t('admin.import.done')),
    el(
      'table',
      { class: 'admin-table import-counts' },
      el('thead', {}, el('tr', {}, th(i18n.t('admin.import.kind')), th(i18n.t('admin.import.created')), th(i18n.t('admin.import.updated')))),
      el('tbody', {}, count('teams'), count('crews'), count('users')),
    ),
    passwords.length
      ? el(
          'section',
          { class: 'admin-secret import-passwords' },
          el('p', { class: 'admin-warning', role: 'alert' }, i18n.t('admin.import.passwordsWarning')),
          el(
            'table',
            { class: 'admin-table' },
            el('thead', {}, el('tr', {}, th(i18n.t('admin.users.username')), th(i18n.t('admin.import.firstPassword')))),
            el(
              'tbody',
              {},
              ...passwords.map((p) =>
                el('tr', { 'data-username': p.username }, el('td', {}, p.username), el('td', {}, el('code', { class: 'admin-password' }, p.password))),
              ),
            ),
          ),
        )
      : null,
  );
}
