import { crewRoleLabel, shiftLabel } from '../crews';
import type { I18n } from '../i18n';
import { el } from '../ui/dom';
import type { CrewDraft, FormErrors } from './forms';
import { ADMIN_CREW_ROLES, ADMIN_SHIFTS, type CrewAdminView, type TeamView } from './types';
import { adminForm, button, checkbox, chip, cls, field, selectInput, table, textInput } from './widgets';

/** The crews of one team (former ones dimmed) and the crew form, for the 队伍与队员 tab. */

export interface CrewFormState {
  mode: 'create' | 'edit';
  crewId: number | null;
  draft: CrewDraft;
  errors: FormErrors;
  busy: boolean;
}

export function crewForm(f: CrewFormState, teams: TeamView[], i18n: I18n, on: { submit(): void; cancel(): void }): HTMLFormElement {
  const d = f.draft;
  return adminForm(
    {
      kind: f.mode === 'create' ? 'crew-create' : 'crew-edit',
      title: f.mode === 'create' ? i18n.t('admin.crews.add') : i18n.t('admin.crews.editTitle', { name: d.name }),
      errors: f.errors,
      busy: f.busy,
      submitLabel: i18n.t(f.mode === 'create' ? 'admin.add' : 'admin.save'),
      onSubmit: on.submit,
      onCancel: on.cancel,
      fields: [
        field('name', i18n.t('admin.crews.name'), textInput('name', d.name, (v) => (d.name = v), { maxlength: '50' }), f.errors),
        field('employeeNo', i18n.t('admin.crews.employeeNo'), textInput('employeeNo', d.employeeNo, (v) => (d.employeeNo = v), { maxlength: '20' }), f.errors),
        field(
          'teamId',
          i18n.t('admin.crews.team'),
          selectInput('teamId', [['', i18n.t('admin.crews.pickTeam')], ...teams.map((t): [string, string] => [String(t.id), t.name])], d.teamId, (v) => (d.teamId = v)),
          f.errors,
          f.mode === 'edit' ? i18n.t('admin.crews.moveHint') : undefined,
        ),
        field(
          'role',
          i18n.t('admin.crews.role'),
          selectInput('role', ADMIN_CREW_ROLES.map((r): [string, string] => [r, crewRoleLabel(i18n, r)]), d.role, (v) => (d.role = v)),
          f.errors,
        ),
        field(
          'shift',
          i18n.t('admin.crews.shift'),
          selectInput('shift', ADMIN_SHIFTS.map((s): [string, string] => [s, shiftLabel(i18n, s)]), d.shift, (v) => (d.shift = v)),
          f.errors,
        ),
        field('phone', i18n.t('admin.crews.phone'), textInput('phone', d.phone, (v) => (d.phone = v), { type: 'tel', maxlength: '20' }), f.errors),
        field('isLead', i18n.t('admin.crews.lead'), checkbox('isLead', i18n.t('admin.crews.isLead'), d.isLead, (v) => (d.isLead = v)), f.errors),
      ],
    },
    i18n,
  );
}

export interface CrewRowHandlers {
  edit(crew: CrewAdminView): void;
  leave(crew: CrewAdminView): void;
  /** The confirmation row under a crew, when one waits for a yes. */
  confirmFor(crew: CrewAdminView): HTMLElement | null;
  /** The just-changed mark of a crew's row (TabState.rowMark). */
  mark(crew: CrewAdminView): { class?: string; 'data-scroll'?: string };
}

export function crewTable(team: TeamView, i18n: I18n, on: CrewRowHandlers): HTMLTableElement {
  const headers = ['admin.crews.name', 'admin.crews.employeeNo', 'admin.crews.role', 'admin.crews.shift', 'admin.crews.phone', 'admin.status', 'admin.actions'] as const;
  const rows = team.members.flatMap((c) => {
    const mark = on.mark(c);
    const row = el(
      'tr',
      { 'data-crew-id': String(c.id), 'data-employee-no': c.employeeNo, ...mark, class: cls(!c.active && 'inactive', mark.class) },
      el('td', {}, c.name, c.isLead ? el('span', { class: 'admin-lead' }, i18n.t('admin.crews.leadMark')) : null),
      el('td', {}, c.employeeNo),
      el('td', {}, crewRoleLabel(i18n, c.role)),
      el('td', {}, shiftLabel(i18n, c.shift)),
      el('td', {}, c.phone || '—'),
      el('td', {}, c.active ? chip(i18n.t('admin.crews.onTeam'), 'ok') : chip(i18n.t('admin.crews.left'), 'off')),
      el(
        'td',
        { class: 'admin-actions' },
        button(i18n.t('admin.edit'), { class: 'btn-link', 'data-action': 'edit-crew' }, () => on.edit(c)),
        c.active ? button(i18n.t('admin.crews.leave'), { class: 'btn-link danger', 'data-action': 'leave' }, () => on.leave(c)) : null,
      ),
    );
    const confirm = on.confirmFor(c);
    return confirm ? [row, el('tr', { class: 'admin-confirm-row' }, el('td', { colspan: String(headers.length) }, confirm))] : [row];
  });
  return table('crews', headers.map((h) => i18n.t(h)), rows, i18n.t('admin.crews.none'));
}
