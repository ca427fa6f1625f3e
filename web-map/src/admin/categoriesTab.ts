import { crewRoleLabel } from '../crews';
import { describeError } from '../errors';
import type { I18n, StringKey } from '../i18n';
import { el } from '../ui/dom';
import { categoryDraft, categoryEdit, formErrors, noErrors, type CategoryDraft, type FormErrors } from './forms';
import { TabState, type AdminTab, type TabContext } from './tab';
import { ADMIN_CREW_ROLES, DEADLINE_UNITS, URGENCIES, type CategoryDto } from './types';
import { adminForm, button, checkbox, chip, cls, field, notice, selectInput, table, textInput, toolbar } from './widgets';

const FIELDS = ['name', 'nameEn', 'role', 'deadlineValue', 'deadlineUnit', 'urgency', 'active'] as const;

const label = (i18n: I18n, prefix: string, code: string, known: readonly string[]): string =>
  known.includes(code) ? i18n.t(`${prefix}.${code}` as StringKey) : code;

/** 2 个工作日 / 4 working hours: a category's deadline rule in words. */
export const deadlineText = (i18n: I18n, value: number, unit: string): string =>
  i18n.t('admin.categories.deadline', { n: value, unit: label(i18n, 'admin.deadlineUnit', unit, DEADLINE_UNITS) });

/** 事项类别: handling role, deadline rule, urgency and whether residents may report it (admin edits). */
export function createCategoriesTab(ctx: TabContext): AdminTab {
  const { api, i18n } = ctx;
  const state = new TabState(ctx);
  const describe = (e: unknown) => describeError(e, i18n);
  let categories: CategoryDto[] = [];
  let form: { code: string; draft: CategoryDraft; errors: FormErrors; busy: boolean } | null = null;

  const reload = async () => {
    categories = await api.categories();
  };
  const load = () => state.load(reload, describe);

  async function submit(f: NonNullable<typeof form>): Promise<void> {
    const mapped = categoryEdit(f.draft, i18n);
    if (!mapped.ok) {
      f.errors = mapped.errors;
      return ctx.redraw();
    }
    f.busy = true;
    ctx.redraw();
    try {
      const saved = await api.editCategory(f.code, mapped.body);
      form = null;
      state.notice = { ok: true, text: i18n.t('admin.categories.saved', { code: saved.code, name: saved.name }) };
      state.flash = `category:${saved.code}`;
      await reload().catch((e) => (state.loadError = describe(e)));
    } catch (e) {
      f.errors = formErrors(e, FIELDS, i18n);
    } finally {
      f.busy = false;
      ctx.redraw();
    }
  }

  function renderForm(f: NonNullable<typeof form>): HTMLFormElement {
    const d = f.draft;
    const options = (prefix: string, codes: readonly string[]) => codes.map((c): [string, string] => [c, label(i18n, prefix, c, codes)]);
    return adminForm(
      {
        kind: 'category-edit',
        title: i18n.t('admin.categories.editTitle', { code: f.code }),
        errors: f.errors,
        busy: f.busy,
        submitLabel: i18n.t('admin.save'),
        onSubmit: () => void submit(f),
        onCancel: () => {
          form = null;
          ctx.redraw();
        },
        fields: [
          field('name', i18n.t('admin.categories.name'), textInput('name', d.name, (v) => (d.name = v), { maxlength: '60' }), f.errors),
          field('nameEn', i18n.t('admin.categories.nameEn'), textInput('nameEn', d.nameEn, (v) => (d.nameEn = v), { maxlength: '100' }), f.errors),
          field('role', i18n.t('admin.categories.role'), selectInput('role', ADMIN_CREW_ROLES.map((r): [string, string] => [r, crewRoleLabel(i18n, r)]), d.role, (v) => (d.role = v)), f.errors),
          field('deadlineValue', i18n.t('admin.categories.deadlineValue'), textInput('deadlineValue', d.deadlineValue, (v) => (d.deadlineValue = v), { type: 'number', min: '1', max: '365', step: '1' }), f.errors),
          field('deadlineUnit', i18n.t('admin.categories.deadlineUnit'), selectInput('deadlineUnit', options('admin.deadlineUnit', DEADLINE_UNITS), d.deadlineUnit, (v) => (d.deadlineUnit = v)), f.errors),
          field('urgency', i18n.t('admin.categories.urgency'), selectInput('urgency', options('admin.urgency', URGENCIES), d.urgency, (v) => (d.urgency = v)), f.errors),
          field('active', i18n.t('admin.status'), checkbox('active', i18n.t('admin.categories.activeLabel'), d.active, (v) => (d.active = v)), f.errors),
        ],
      },
      i18n,
    );
  }

  return {
    load,
    reset() {
      state.reset();
      form = null;
    },
    render() {
      const marks = new Map(categories.map((c) => [c.code, state.rowMark(`category:${c.code}`)]));
      const mark = (code: string) => marks.get(code) ?? {};
      const rows = categories.map((c) =>
        el(
          'tr',
          { 'data-code': c.code, ...mark(c.code), class: cls(!c.active && 'inactive', mark(c.code).class) },
          el('td', {}, el('code', {}, c.code)),
          el('td', { title: c.majorName }, c.majorName || c.major),
          el('td', {}, i18n.current === 'en' && c.nameEn ? c.nameEn : c.name),
          el('td', {}, crewRoleLabel(i18n, c.role)),
          el('td', { title: c.deadlineRule }, deadlineText(i18n, c.deadlineValue, c.deadlineUnit)),
          el('td', {}, label(i18n, 'admin.urgency', c.urgency, URGENCIES)),
          el('td', {}, c.active ? chip(i18n.t('admin.active'), 'ok') : chip(i18n.t('admin.inactive'), 'off')),
          el(
            'td',
            { class: 'admin-actions' },
            button(i18n.t('admin.edit'), { class: 'btn-link', 'data-action': 'edit-category' }, () => {
              form = { code: c.code, draft: categoryDraft(c), errors: noErrors(), busy: false };
              state.notice = null;
              ctx.redraw(true);
            }),
          ),
        ),
      );
      const headers = ['admin.categories.code', 'admin.categories.major', 'admin.categories.name', 'admin.categories.role', 'admin.categories.deadlineCol', 'admin.categories.urgency', 'admin.status', 'admin.actions'] as const;
      return [
        toolbar(
          button(i18n.t('admin.refresh'), { class: 'btn-link', 'data-action': 'refresh' }, () => void load()),
          el('span', { class: 'admin-count' }, i18n.t('admin.categories.count', { n: categories.length })),
        ),
        notice(state.notice),
        form ? renderForm(form) : null,
        state.loadError ? notice({ ok: false, text: state.loadError }) : null,
        state.loading && !categories.length ? el('p', { class: 'admin-loading' }, i18n.t('admin.loading')) : null,
        table('categories', headers.map((h) => i18n.t(h)), rows, i18n.t('admin.categories.none')),
      ].filter((n): n is HTMLElement => !!n);
    },
  };
}
