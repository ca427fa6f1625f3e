import { describeError } from '../errors';
import { el } from '../ui/dom';
import { formErrors, holidayRequest, noErrors, type FormErrors, type HolidayDraft } from './forms';
import { TabState, type AdminTab, type TabContext } from './tab';
import type { Holiday } from './types';
import { adminForm, button, checkbox, chip, confirmBar, field, notice, table, textInput, toolbar } from './widgets';

/** 节假日: holidays (days off) and adjusted working days of the working calendar that deadlines count in. */
export function createHolidaysTab(ctx: TabContext): AdminTab {
  const { api, i18n } = ctx;
  const state = new TabState(ctx);
  const describe = (e: unknown) => describeError(e, i18n);
  let holidays: Holiday[] = [];
  let form: { mode: 'create' | 'edit'; draft: HolidayDraft; errors: FormErrors; busy: boolean } | null = null;

  const reload = async () => {
    holidays = await api.holidays();
  };
  const load = () => state.load(reload, describe);

  function openForm(h?: Holiday): void {
    form = { mode: h ? 'edit' : 'create', draft: { date: h?.date ?? '', name: h?.name ?? '', working: h?.working ?? false }, errors: noErrors(), busy: false };
    state.notice = null;
    ctx.redraw(true);
  }

  async function submit(f: NonNullable<typeof form>): Promise<void> {
    const mapped = holidayRequest(f.draft, i18n);
    if (!mapped.ok) {
      f.errors = mapped.errors;
      return ctx.redraw();
    }
    f.busy = true;
    ctx.redraw();
    try {
      const { date, ...body } = mapped.body;
      await api.putHoliday(date, body);
      form = null;
      state.notice = { ok: true, text: i18n.t('admin.holidays.saved', { date, name: body.name }) };
      state.flash = `holiday:${date}`;
      await reload().catch((e) => (state.loadError = describe(e)));
    } catch (e) {
      f.errors = formErrors(e, ['date', 'name', 'working'], i18n);
    } finally {
      f.busy = false;
      ctx.redraw();
    }
  }

  function renderForm(f: NonNullable<typeof form>): HTMLFormElement {
    const d = f.draft;
    return adminForm(
      {
        kind: f.mode === 'create' ? 'holiday-create' : 'holiday-edit',
        title: f.mode === 'create' ? i18n.t('admin.holidays.add') : i18n.t('admin.holidays.editTitle', { date: d.date }),
        errors: f.errors,
        busy: f.busy,
        submitLabel: i18n.t('admin.save'),
        onSubmit: () => void submit(f),
        onCancel: () => {
          form = null;
          ctx.redraw();
        },
        fields: [
          field('date', i18n.t('admin.holidays.date'), textInput('date', d.date, (v) => (d.date = v), { type: 'date', disabled: f.mode === 'edit' }), f.errors),
          field('name', i18n.t('admin.holidays.name'), textInput('name', d.name, (v) => (d.name = v), { maxlength: '40' }), f.errors),
          field('working', i18n.t('admin.holidays.type'), checkbox('working', i18n.t('admin.holidays.workingLabel'), d.working, (v) => (d.working = v)), f.errors),
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
      const rows = holidays.flatMap((h) => {
        const row = el(
          'tr',
          { 'data-date': h.date, 'data-working': String(h.working), ...state.rowMark(`holiday:${h.date}`) },
          el('td', {}, h.date),
          el('td', {}, h.name),
          el('td', {}, h.working ? chip(i18n.t('admin.holidays.working'), 'warn') : chip(i18n.t('admin.holidays.off'), 'info')),
          el(
            'td',
            { class: 'admin-actions' },
            button(i18n.t('admin.edit'), { class: 'btn-link', 'data-action': 'edit-holiday' }, () => openForm(h)),
            button(i18n.t('admin.delete'), { class: 'btn-link danger', 'data-action': 'delete-holiday' }, () =>
              state.ask({
                target: `holiday:${h.date}`,
                question: i18n.t('admin.holidays.confirmDelete', { date: h.date, name: h.name }),
                yes: i18n.t('admin.delete'),
                run: async () => {
                  await api.deleteHoliday(h.date);
                  state.notice = { ok: true, text: i18n.t('admin.holidays.deleted', { date: h.date }) };
                  await reload();
                },
              }),
            ),
          ),
        );
        const c = state.confirming;
        if (c?.target !== `holiday:${h.date}`) return [row];
        const bar = confirmBar(c, state.confirmBusy, i18n, () => void state.confirm(describe), () => state.cancelConfirm());
        return [row, el('tr', { class: 'admin-confirm-row' }, el('td', { colspan: '4' }, bar))];
      });
      const headers = ['admin.holidays.date', 'admin.holidays.name', 'admin.holidays.type', 'admin.actions'] as const;
      return [
        toolbar(
          button(i18n.t('admin.holidays.add'), { class: 'btn-primary', 'data-action': 'add-holiday' }, () => openForm()),
          button(i18n.t('admin.refresh'), { class: 'btn-link', 'data-action': 'refresh' }, () => void load()),
        ),
        notice(state.notice),
        form ? renderForm(form) : null,
        state.loadError ? notice({ ok: false, text: state.loadError }) : null,
        state.loading && !holidays.length ? el('p', { class: 'admin-loading' }, i18n.t('admin.loading')) : null,
        table('holidays', headers.map((h) => i18n.t(h)), rows, i18n.t('admin.holidays.none')),
        el('p', { class: 'admin-hint' }, i18n.t('admin.holidays.hint')),
      ].filter((n): n is HTMLElement => !!n);
    },
  };
}
