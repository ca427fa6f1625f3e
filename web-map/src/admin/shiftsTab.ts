import { shiftLabel } from '../crews';
import { describeError } from '../errors';
import { el } from '../ui/dom';
import { TabState, type AdminTab, type TabContext } from './tab';
import type { ShiftView, TeamView } from './types';
import { button, chip, notice, table, toolbar } from './widgets';

/** 班次: the duty hours of each shift (the county's setting Live:Shifts), whether it is on now, and who works it. */
export function createShiftsTab(ctx: TabContext): AdminTab {
  const { api, i18n } = ctx;
  const state = new TabState(ctx);
  let shifts: ShiftView[] = [];
  let teams: TeamView[] = [];

  const load = () =>
    state.load(async () => {
      [shifts, teams] = await Promise.all([api.shifts(), api.teams()]);
    }, (e) => describeError(e, i18n));

  const crewsOn = (code: string) => teams.reduce((n, t) => n + t.members.filter((c) => c.active && c.shift === code).length, 0);

  return {
    load,
    reset: () => state.reset(),
    render() {
      const rows = shifts.map((s) =>
        el(
          'tr',
          { 'data-shift': s.code, 'data-on-now': String(s.onNow) },
          el('td', {}, shiftLabel(i18n, s.code)),
          el('td', { class: 'shift-hours' }, s.hours),
          el('td', {}, s.onNow ? chip(i18n.t('admin.shifts.onNow'), 'ok') : chip(i18n.t('admin.shifts.offNow'), 'off')),
          el('td', { class: 'shift-crews' }, String(crewsOn(s.code))),
        ),
      );
      const headers = ['admin.shifts.shift', 'admin.shifts.hours', 'admin.shifts.now', 'admin.shifts.crews'] as const;
      return [
        toolbar(button(i18n.t('admin.refresh'), { class: 'btn-link', 'data-action': 'refresh' }, () => void load())),
        state.loadError ? notice({ ok: false, text: state.loadError }) : null,
        state.loading && !shifts.length ? el('p', { class: 'admin-loading' }, i18n.t('admin.loading')) : null,
        table('shifts', headers.map((h) => i18n.t(h)), rows, i18n.t('admin.shifts.none')),
        el('p', { class: 'admin-hint' }, i18n.t('admin.shifts.hint')),
      ].filter((n): n is HTMLElement => !!n);
    },
  };
}
