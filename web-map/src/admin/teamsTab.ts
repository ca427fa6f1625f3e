import { describeError } from '../errors';
import { el } from '../ui/dom';
import { crewForm, crewTable, type CrewFormState } from './crewRows';
import { crewDraft, crewRequest, formErrors, noErrors, teamDraft, teamRequest, type FormErrors, type TeamDraft } from './forms';
import { TabState, type AdminTab, type TabContext } from './tab';
import { TEAM_KINDS, type CrewAdminView, type TeamView } from './types';
import { adminForm, button, chip, cls, confirmBar, field, notice, selectInput, table, textInput, toolbar } from './widgets';

const TEAM_FIELDS = ['name', 'kind', 'largeGridCode', 'roleMix'] as const;
const CREW_FIELDS = ['name', 'employeeNo', 'teamId', 'role', 'shift', 'phone', 'isLead'] as const;

interface TeamFormState {
  mode: 'create' | 'edit';
  teamId: number | null;
  draft: TeamDraft;
  errors: FormErrors;
  busy: boolean;
}

/** 队伍与队员: grid teams and asset groups, and their crews (add, edit, move, leave). */
export function createTeamsTab(ctx: TabContext): AdminTab {
  const { api, i18n } = ctx;
  const state = new TabState(ctx);
  const describe = (e: unknown) => describeError(e, i18n);
  let teams: TeamView[] = [];
  let open: number | null = null;
  let teamForm: TeamFormState | null = null;
  let crew: CrewFormState | null = null;

  const reload = async () => {
    teams = await api.teams();
  };
  const load = () => state.load(reload, describe);
  const kindLabel = (kind: string) => i18n.t(kind === 'assetGroup' ? 'admin.teams.kind.assetGroup' : 'admin.teams.kind.grid');
  const gridLabel = (code: string | null | undefined) => {
    if (!code) return '—';
    return ctx.largeGrids().find((x) => x.code === code)?.name ?? code;
  };

  function openTeamForm(team?: TeamView): void {
    teamForm = { mode: team ? 'edit' : 'create', teamId: team?.id ?? null, draft: teamDraft(team), errors: noErrors(), busy: false };
    crew = null;
    state.notice = null;
    ctx.redraw(true);
  }

  function openCrewForm(team: TeamView, member?: CrewAdminView): void {
    crew = { mode: member ? 'edit' : 'create', crewId: member?.id ?? null, draft: crewDraft(member, team.id), errors: noErrors(), busy: false };
    teamForm = null;
    state.notice = null;
    ctx.redraw(true);
  }

  /** Runs a form's save: busy while it runs, field errors on failure, the notice and a reload on success. */
  async function save<F extends { busy: boolean; errors: FormErrors }>(f: F, fields: readonly string[], run: () => Promise<string>, done: () => void) {
    f.busy = true;
    ctx.redraw();
    try {
      const text = await run();
      done();
      state.notice = { ok: true, text };
      await reload().catch((e) => (state.loadError = describe(e)));
    } catch (e) {
      f.errors = formErrors(e, fields, i18n);
    } finally {
      f.busy = false;
      ctx.redraw();
    }
  }

  function submitTeam(f: TeamFormState): void {
    void save(f, TEAM_FIELDS, async () => {
      const body = teamRequest(f.draft);
      const saved = f.teamId === null ? await api.createTeam(body) : await api.updateTeam(f.teamId, body);
      open = saved.id;
      state.flash = `team:${saved.id}`;
      return i18n.t(f.mode === 'create' ? 'admin.teams.created' : 'admin.teams.saved', { name: saved.name });
    }, () => (teamForm = null));
  }

  function submitCrew(f: CrewFormState): void {
    void save(f, CREW_FIELDS, async () => {
      const body = crewRequest(f.draft);
      const saved = f.crewId === null ? await api.createCrew(body) : await api.updateCrew(f.crewId, body);
      open = saved.teamId;
      state.flash = `crew:${saved.id}`;
      return i18n.t(f.mode === 'create' ? 'admin.crews.created' : 'admin.crews.saved', { name: saved.name, no: saved.employeeNo });
    }, () => (crew = null));
  }

  function askDeleteTeam(team: TeamView): void {
    state.ask({
      target: `team:${team.id}`,
      question: i18n.t('admin.teams.confirmDelete', { name: team.name }),
      yes: i18n.t('admin.delete'),
      run: async () => {
        await api.deleteTeam(team.id);
        state.notice = { ok: true, text: i18n.t('admin.teams.deleted', { name: team.name }) };
        if (open === team.id) open = null;
        await reload();
      },
    });
  }

  function askLeave(member: CrewAdminView): void {
    state.ask({
      target: `crew:${member.id}`,
      question: i18n.t('admin.crews.confirmLeave', { name: member.name, no: member.employeeNo }),
      yes: i18n.t('admin.crews.leave'),
      run: async () => {
        await api.deleteCrew(member.id);
        state.notice = { ok: true, text: i18n.t('admin.crews.leftDone', { name: member.name }) };
        state.flash = `crew:${member.id}`;
        await reload();
      },
    });
  }

  const confirmFor = (target: string): HTMLElement | null =>
    state.confirming?.target === target
      ? confirmBar(state.confirming, state.confirmBusy, i18n, () => void state.confirm(describe), () => state.cancelConfirm())
      : null;

  function renderTeamForm(f: TeamFormState): HTMLFormElement {
    const d = f.draft;
    const grids: Array<[string, string]> = [['', i18n.t('admin.teams.pickGrid')], ...ctx.largeGrids().map((g): [string, string] => [g.code, `${g.name}（${g.code}）`])];
    if (d.largeGridCode && !grids.some(([code]) => code === d.largeGridCode)) grids.push([d.largeGridCode, d.largeGridCode]);
    return adminForm(
      {
        kind: f.mode === 'create' ? 'team-create' : 'team-edit',
        title: f.mode === 'create' ? i18n.t('admin.teams.add') : i18n.t('admin.teams.editTitle', { name: d.name }),
        errors: f.errors,
        busy: f.busy,
        submitLabel: i18n.t(f.mode === 'create' ? 'admin.add' : 'admin.save'),
        onSubmit: () => submitTeam(f),
        onCancel: () => {
          teamForm = null;
          ctx.redraw();
        },
        fields: [
          field('name', i18n.t('admin.teams.name'), textInput('name', d.name, (v) => (d.name = v), { maxlength: '100' }), f.errors),
          field('kind', i18n.t('admin.teams.kind'), selectInput('kind', TEAM_KINDS.map((k): [string, string] => [k, kindLabel(k)]), d.kind, (v) => {
            d.kind = v === 'assetGroup' ? 'assetGroup' : 'grid';
            ctx.redraw(); // an asset group has no large grid
          }), f.errors),
          d.kind === 'grid'
            ? field('largeGridCode', i18n.t('admin.teams.largeGrid'), selectInput('largeGridCode', grids, d.largeGridCode, (v) => (d.largeGridCode = v)), f.errors)
            : null,
          field('roleMix', i18n.t('admin.teams.roleMix'), textInput('roleMix', d.roleMix, (v) => (d.roleMix = v), { maxlength: '20' }), f.errors, i18n.t('admin.teams.roleMixHint')),
        ],
      },
      i18n,
    );
  }

  function teamRows(): HTMLTableRowElement[] {
    return teams.flatMap((team) => {
      const active = team.members.filter((c) => c.active).length;
      const expanded = open === team.id;
      const mark = state.rowMark(`team:${team.id}`);
      const row = el(
        'tr',
        { 'data-team-id': String(team.id), 'data-team-name': team.name, 'data-kind': team.kind, ...mark, class: cls(expanded && 'expanded', mark.class) },
        el('td', {}, button(`${expanded ? '▾' : '▸'} ${team.name}`, { class: 'admin-expand', 'aria-expanded': String(expanded), 'data-action': 'members' }, () => {
          open = expanded ? null : team.id;
          ctx.redraw();
        })),
        el('td', {}, chip(kindLabel(team.kind), team.kind === 'assetGroup' ? 'info' : 'ok')),
        el('td', { title: team.largeGridCode ?? false }, gridLabel(team.largeGridCode)),
        el('td', { class: 'nowrap' }, team.roleMix),
        el('td', { class: 'team-members nowrap', title: i18n.t('admin.teams.memberTitle') }, i18n.t('admin.teams.memberCount', { n: active, all: team.members.length })),
        el(
          'td',
          { class: 'admin-actions' },
          button(i18n.t('admin.edit'), { class: 'btn-link', 'data-action': 'edit-team' }, () => openTeamForm(team)),
          button(i18n.t('admin.crews.add'), { class: 'btn-link', 'data-action': 'add-crew' }, () => openCrewForm(team)),
          button(i18n.t('admin.delete'), { class: 'btn-link danger', 'data-action': 'delete-team' }, () => askDeleteTeam(team)),
        ),
      );
      const rows: HTMLTableRowElement[] = [row];
      const confirm = confirmFor(`team:${team.id}`);
      if (confirm) rows.push(el('tr', { class: 'admin-confirm-row' }, el('td', { colspan: '6' }, confirm)));
      if (expanded) {
        const members = crewTable(team, i18n, {
          edit: (c) => openCrewForm(team, c),
          leave: askLeave,
          confirmFor: (c) => confirmFor(`crew:${c.id}`),
          mark: (c) => state.rowMark(`crew:${c.id}`),
        });
        rows.push(el('tr', { class: 'admin-members', 'data-members-of': String(team.id) }, el('td', { colspan: '6' }, members)));
      }
      return rows;
    });
  }

  const crewFormOf = (f: CrewFormState | null) =>
    f
      ? crewForm(f, teams, i18n, {
          submit: () => submitCrew(f),
          cancel: () => {
            crew = null;
            ctx.redraw();
          },
        })
      : null;

  return {
    load,
    reset() {
      state.reset();
      teamForm = null;
      crew = null;
    },
    render() {
      const headers = ['admin.teams.name', 'admin.teams.kind', 'admin.teams.largeGrid', 'admin.teams.roleMix', 'admin.teams.members', 'admin.actions'] as const;
      return [
        toolbar(
          button(i18n.t('admin.teams.add'), { class: 'btn-primary', 'data-action': 'add-team' }, () => openTeamForm()),
          button(i18n.t('admin.refresh'), { class: 'btn-link', 'data-action': 'refresh' }, () => void load()),
          el('span', { class: 'admin-count' }, i18n.t('admin.teams.count', { n: teams.length })),
        ),
        notice(state.notice),
        teamForm ? renderTeamForm(teamForm) : null,
        crewFormOf(crew),
        state.loadError ? notice({ ok: false, text: state.loadError }) : null,
        state.loading && !teams.length ? el('p', { class: 'admin-loading' }, i18n.t('admin.loading')) : null,
        table('teams', headers.map((h) => i18n.t(h)), teamRows(), i18n.t('admin.teams.none')),
      ].filter((n): n is HTMLElement => !!n);
    },
  };
}
