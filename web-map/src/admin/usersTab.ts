import { describeError } from '../errors';
import { formatShanghai } from '../incidents';
import { el } from '../ui/dom';
import { formErrors, noErrors, userDraft, userRequest, type FormErrors, type UserDraft } from './forms';
import { TabState, type AdminTab, type TabContext } from './tab';
import { USER_ROLES, type TeamView, type UserView } from './types';
import { adminForm, button, checkbox, chip, confirmBar, field, notice, selectInput, table, textInput, toolbar } from './widgets';

const FIELDS = ['username', 'password', 'roles', 'teamId', 'crewId', 'active'] as const;

interface UserForm {
  mode: 'create' | 'edit';
  /** The user edited (edit mode). */
  username: string;
  draft: UserDraft;
  errors: FormErrors;
  busy: boolean;
}

/** 用户: sign-ins with roles, team, crew; add, edit (password reset), disable / enable, delete. */
export function createUsersTab(ctx: TabContext): AdminTab {
  const { api, i18n } = ctx;
  const state = new TabState(ctx);
  const describe = (e: unknown) => describeError(e, i18n);
  let users: UserView[] = [];
  let teams: TeamView[] = [];
  let form: UserForm | null = null;

  const teamName = (id: number | null | undefined): string => {
    if (id == null) return '—';
    const team = teams.find((t) => t.id === id);
    return team ? team.name : `#${id}`;
  };
  const crewName = (id: number | null | undefined): string => {
    if (id == null) return '—';
    for (const t of teams) {
      const c = t.members.find((m) => m.id === id);
      if (c) return `${c.name}（${c.employeeNo}）`;
    }
    return `#${id}`;
  };

  async function reload(): Promise<void> {
    [users, teams] = await Promise.all([api.users(), api.teams()]);
  }

  const load = () => state.load(reload, describe);

  function openForm(user?: UserView): void {
    form = { mode: user ? 'edit' : 'create', username: user?.username ?? '', draft: userDraft(user), errors: noErrors(), busy: false };
    state.notice = null;
    ctx.redraw(true);
  }

  async function submit(): Promise<void> {
    if (!form) return;
    const f = form;
    f.busy = true;
    ctx.redraw();
    try {
      const body = userRequest(f.draft, f.mode);
      const saved = f.mode === 'create' ? await api.createUser(body) : await api.updateUser(f.username, body);
      form = null;
      state.notice = { ok: true, text: i18n.t(f.mode === 'create' ? 'admin.users.created' : 'admin.users.saved', { name: saved.username }) };
      state.flash = `user:${saved.username}`;
      await reload().catch((e) => (state.loadError = describe(e)));
    } catch (e) {
      f.errors = formErrors(e, FIELDS, i18n);
    } finally {
      f.busy = false;
      ctx.redraw();
    }
  }

  /** PUT with everything as it is but `active`. */
  async function setActive(user: UserView, active: boolean): Promise<void> {
    await api.updateUser(user.username, userRequest({ ...userDraft(user), active }, 'edit'));
    state.notice = { ok: true, text: i18n.t(active ? 'admin.users.enabled' : 'admin.users.disabled', { name: user.username }) };
    state.flash = `user:${user.username}`;
    await reload();
  }

  function askDisable(user: UserView): void {
    state.ask({
      target: `user:${user.username}`,
      question: i18n.t('admin.users.confirmDisable', { name: user.username }),
      yes: i18n.t('admin.users.disable'),
      run: () => setActive(user, false),
    });
  }

  function askDelete(user: UserView): void {
    state.ask({
      target: `user:${user.username}`,
      question: i18n.t('admin.users.confirmDelete', { name: user.username }),
      yes: i18n.t('admin.delete'),
      run: async () => {
        await api.deleteUser(user.username);
        state.notice = { ok: true, text: i18n.t('admin.users.deleted', { name: user.username }) };
        await reload();
      },
    });
  }

  function renderForm(f: UserForm): HTMLFormElement {
    const d = f.draft;
    const isCrew = d.roles.includes('crew');
    const teamOptions: Array<[string, string]> = [['', i18n.t('admin.none')], ...teams.map((t): [string, string] => [String(t.id), t.name])];
    const crewOptions: Array<[string, string]> = [
      ['', i18n.t('admin.users.pickCrew')],
      ...teams.flatMap((t) => t.members.filter((c) => c.active || String(c.id) === d.crewId).map((c): [string, string] => [String(c.id), `${c.name}（${c.employeeNo}）· ${t.name}`])),
    ];
    const roles = el(
      'div',
      { class: 'admin-checks', role: 'group' },
      ...USER_ROLES.map((r) =>
        checkbox('roles', i18n.role(r), d.roles.includes(r), (on) => {
          d.roles = on ? [...d.roles, r] : d.roles.filter((x) => x !== r);
          if (r === 'crew') ctx.redraw(); // crew users pick a crew, others a team
        }, r),
      ),
    );
    return adminForm(
      {
        kind: f.mode === 'create' ? 'user-create' : 'user-edit',
        title: f.mode === 'create' ? i18n.t('admin.users.add') : i18n.t('admin.users.editTitle', { name: f.username }),
        errors: f.errors,
        busy: f.busy,
        submitLabel: i18n.t(f.mode === 'create' ? 'admin.add' : 'admin.save'),
        onSubmit: () => void submit(),
        onCancel: () => {
          form = null;
          ctx.redraw();
        },
        fields: [
          f.mode === 'create'
            ? field('username', i18n.t('admin.users.username'), textInput('username', d.username, (v) => (d.username = v), { maxlength: '64', required: true }), f.errors)
            : null,
          field(
            'password',
            i18n.t(f.mode === 'create' ? 'admin.users.password' : 'admin.users.newPassword'),
            textInput('password', d.password, (v) => (d.password = v), { type: 'password', autocomplete: 'new-password' }),
            f.errors,
            i18n.t(f.mode === 'create' ? 'admin.users.passwordRule' : 'admin.users.passwordKeep'),
          ),
          field('roles', i18n.t('admin.users.roles'), roles, f.errors),
          isCrew
            ? field('crewId', i18n.t('admin.users.crew'), selectInput('crewId', crewOptions, d.crewId, (v) => (d.crewId = v)), f.errors, i18n.t('admin.users.crewHint'))
            : field('teamId', i18n.t('admin.users.team'), selectInput('teamId', teamOptions, d.teamId, (v) => (d.teamId = v)), f.errors),
          field('active', i18n.t('admin.status'), checkbox('active', i18n.t('admin.users.activeLabel'), d.active, (v) => (d.active = v)), f.errors),
        ],
      },
      i18n,
    );
  }

  function userRows(): HTMLTableRowElement[] {
    return users.flatMap((u) => {
      const row = el(
        'tr',
        { 'data-username': u.username, 'data-active': String(u.active), ...state.rowMark(`user:${u.username}`) },
        el('td', { class: 'user-name wrap-any', title: i18n.t('admin.users.createdAt', { time: formatShanghai(u.createdAt) }) }, u.username),
        el('td', { class: 'nowrap' }, u.roles.map((r) => i18n.role(r)).join('、')),
        // A crew user's crew, with the team it follows; anyone else's team.
        u.crewId != null
          ? el('td', { class: 'user-crew' }, crewName(u.crewId), el('div', { class: 'admin-muted' }, teamName(u.teamId)))
          : el('td', { class: 'user-team' }, teamName(u.teamId)),
        el('td', { class: 'user-status nowrap' }, u.active ? chip(i18n.t('admin.active'), 'ok') : chip(i18n.t('admin.inactive'), 'off')),
        el(
          'td',
          { class: 'admin-actions' },
          button(i18n.t('admin.edit'), { class: 'btn-link', 'data-action': 'edit' }, () => openForm(u)),
          u.active
            ? button(i18n.t('admin.users.disable'), { class: 'btn-link warn', 'data-action': 'disable' }, () => askDisable(u))
            : button(i18n.t('admin.users.enable'), { class: 'btn-link', 'data-action': 'enable' }, () =>
                void setActive(u, true).catch((e) => (state.notice = { ok: false, text: describe(e) })).finally(() => ctx.redraw()),
              ),
          button(i18n.t('admin.delete'), { class: 'btn-link danger', 'data-action': 'delete' }, () => askDelete(u)),
        ),
      );
      const c = state.confirming;
      if (c?.target !== `user:${u.username}`) return [row];
      const confirm = confirmBar(c, state.confirmBusy, i18n, () => void state.confirm(describe), () => state.cancelConfirm());
      return [row, el('tr', { class: 'admin-confirm-row' }, el('td', { colspan: '5' }, confirm))];
    });
  }

  return {
    load,
    reset() {
      state.reset();
      form = null;
    },
    render() {
      const headers = ['admin.users.username', 'admin.users.roles', 'admin.users.teamOrCrew', 'admin.status', 'admin.actions'] as const;
      return [
        toolbar(
          button(i18n.t('admin.users.add'), { class: 'btn-primary', 'data-action': 'add-user' }, () => openForm()),
          button(i18n.t('admin.refresh'), { class: 'btn-link', 'data-action': 'refresh' }, () => void load()),
          el('span', { class: 'admin-count' }, i18n.t('admin.users.count', { n: users.length })),
        ),
        notice(state.notice),
        form ? renderForm(form) : null,
        state.loadError ? notice({ ok: false, text: state.loadError }) : null,
        state.loading && !users.length ? el('p', { class: 'admin-loading' }, i18n.t('admin.loading')) : null,
        table('users', headers.map((h) => i18n.t(h)), userRows(), i18n.t('admin.users.none')),
      ].filter((n): n is HTMLElement => !!n);
    },
  };
}
