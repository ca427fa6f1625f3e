import type { I18n } from '../i18n';
import { el } from '../ui/dom';
import type { FormErrors } from './forms';

/** DOM pieces shared by the admin tabs. Every text goes in as text (el() makes text nodes), never as HTML. */

type Child = Node | string | null | undefined | false;

export function button(label: string, attrs: Record<string, string | boolean | undefined>, onClick: () => void): HTMLButtonElement {
  const b = el('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', (event) => {
    event.preventDefault();
    onClick();
  });
  return b;
}

/** A labelled field: `.admin-field[data-field=name]` with the control and, below it, the field's messages. */
export function field(name: string, label: string, control: HTMLElement, errors: FormErrors, hint?: string): HTMLElement {
  const messages = errors.fields[name] ?? [];
  if (messages.length) control.setAttribute('aria-invalid', 'true');
  return el(
    'div',
    { class: messages.length ? 'admin-field invalid' : 'admin-field', 'data-field': name },
    el('label', {}, el('span', { class: 'admin-label' }, label), control),
    hint ? el('span', { class: 'admin-hint' }, hint) : null,
    ...messages.map((m) => el('span', { class: 'admin-field-error', role: 'alert', 'data-error-for': name }, m)),
  );
}

export function textInput(
  name: string,
  value: string,
  onInput: (value: string) => void,
  attrs: Record<string, string | boolean | undefined> = {},
): HTMLInputElement {
  const input = el('input', { type: 'text', name, autocomplete: 'off', spellcheck: 'false', ...attrs });
  input.value = value;
  input.addEventListener('input', () => onInput(input.value));
  return input;
}

export function selectInput(name: string, options: Array<[string, string]>, value: string, onChange: (value: string) => void): HTMLSelectElement {
  const select = el('select', { name }, ...options.map(([v, label]) => el('option', { value: v, selected: v === value }, label)));
  select.value = value;
  select.addEventListener('change', () => onChange(select.value));
  return select;
}

export function checkbox(name: string, label: string, checked: boolean, onChange: (checked: boolean) => void, value?: string): HTMLElement {
  const input = el('input', { type: 'checkbox', name, value, checked });
  input.checked = checked;
  input.addEventListener('change', () => onChange(input.checked));
  return el('label', { class: 'admin-check' }, input, el('span', {}, label));
}

/** The form-level messages (`.admin-form-error`); nothing when there are none. */
export function formError(errors: FormErrors): HTMLElement | null {
  if (!errors.form.length) return null;
  return el('div', { class: 'admin-form-error', role: 'alert' }, ...errors.form.map((m) => el('div', {}, m)));
}

export interface FormSpec {
  kind: string;
  title: string;
  fields: Child[];
  errors: FormErrors;
  busy: boolean;
  submitLabel: string;
  onSubmit(): void;
  onCancel(): void;
}

/** `form.admin-form[data-form=kind]`: title, fields, form-level errors, submit and cancel. */
export function adminForm(spec: FormSpec, i18n: I18n): HTMLFormElement {
  const form = el(
    'form',
    { class: 'admin-form', 'data-form': spec.kind, novalidate: true, 'aria-busy': spec.busy ? 'true' : false },
    el('div', { class: 'admin-form-title' }, spec.title),
    el('div', { class: 'admin-form-grid' }, ...spec.fields),
    formError(spec.errors),
    el(
      'div',
      { class: 'admin-form-actions' },
      el('button', { type: 'submit', class: 'btn-primary admin-submit', disabled: spec.busy }, spec.busy ? i18n.t('admin.saving') : spec.submitLabel),
      button(i18n.t('admin.cancel'), { class: 'btn-link admin-cancel' }, spec.onCancel),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!spec.busy) spec.onSubmit();
  });
  return form;
}

/** What waits for a yes: the question and the label of the dangerous button. */
export interface Confirming {
  target: string;
  question: string;
  yes: string;
  run(): Promise<void>;
  /** Why the server refused it, shown in the bar instead of the yes. */
  error?: string;
}

/** `.admin-confirm[data-target]`: the question, a yes that does it and a no that does nothing. */
export function confirmBar(c: Confirming, busy: boolean, i18n: I18n, onYes: () => void, onNo: () => void): HTMLElement {
  return el(
    'div',
    { class: 'admin-confirm', role: 'alertdialog', 'data-target': c.target },
    el('span', { class: 'admin-confirm-text' }, c.question),
    c.error ? el('span', { class: 'admin-error admin-confirm-error', role: 'alert' }, c.error) : null,
    c.error ? null : button(c.yes, { class: 'btn-danger admin-confirm-yes', disabled: busy }, onYes),
    button(i18n.t(c.error ? 'admin.closeMessage' : 'admin.cancel'), { class: 'btn-link admin-confirm-no' }, onNo),
  );
}

/** A table with a header row; `empty` shown in one cell when there are no rows. */
export function table(kind: string, headers: string[], rows: HTMLTableRowElement[], empty: string): HTMLTableElement {
  return el(
    'table',
    { class: 'admin-table', 'data-table': kind },
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...(rows.length ? rows : [el('tr', { class: 'admin-empty' }, el('td', { colspan: String(headers.length) }, empty))])),
  );
}

/** A class attribute from the names given (falsy ones left out); false, for no attribute, when none is left. */
export const cls = (...names: Array<string | false | null | undefined>): string | false => names.filter(Boolean).join(' ') || false;

/** A status chip: 启用 / 停用 and the like. */
export const chip = (text: string, kind: 'ok' | 'off' | 'warn' | 'info'): HTMLElement => el('span', { class: `admin-chip ${kind}` }, text);

/** The tab's line of news: a success, or a failure that is not any one field's. */
export type Notice = { ok: boolean; text: string } | null;

export function notice(n: Notice): HTMLElement | null {
  if (!n) return null;
  return el('p', { class: n.ok ? 'admin-ok' : 'admin-error', role: n.ok ? 'status' : 'alert' }, n.text);
}

export function toolbar(...children: Child[]): HTMLElement {
  return el('div', { class: 'admin-toolbar' }, ...children);
}
