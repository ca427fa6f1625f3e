import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { I18n } from '../i18n';
import { MemoryStorage } from '../ready';
import { FakeElement, installFakeDom } from '../testing/fakeDom';
import type { AdminApi } from './adminApi';
import { createAdminPanel } from './panel';
import type { TeamView, UserView } from './types';

let body: FakeElement;
beforeEach(() => {
  body = installFakeDom();
});
afterEach(() => vi.unstubAllGlobals());

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

const users: UserView[] = [
  { id: 1, username: 'admin', roles: ['admin'], active: true, createdAt: '2026-12-01T00:00:00Z' },
  { id: 7, username: 'crew-<b>li</b>', roles: ['crew'], teamId: 3, crewId: 17, active: true, createdAt: '2026-12-01T02:00:00Z' },
];
const teams: TeamView[] = [
  {
    id: 3, name: '三队<script>', kind: 'grid', largeGridCode: 'LG03', roleMix: '2+1+1+1',
    members: [{ id: 17, name: '李四', employeeNo: 'E17', teamId: 3, role: 'municipal', shift: 'early', isLead: false, active: true }],
  },
];

function fakeApi(over: Partial<AdminApi> = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  const spy = <K extends keyof AdminApi>(name: K, impl: (...args: never[]) => unknown) =>
    ((...args: unknown[]) => {
      calls.push([name, ...args]);
      return Promise.resolve().then(() => (impl as (...a: unknown[]) => unknown)(...args));
    }) as unknown as AdminApi[K];
  const base: Record<string, (...args: never[]) => unknown> = {
    users: () => users,
    teams: () => teams,
    createUser: (body: { username: string }) => ({ ...users[1], username: body.username }),
    updateUser: (username: string) => ({ ...users[1], username }),
    keys: () => [],
  };
  const api = {} as AdminApi;
  for (const name of ['users', 'createUser', 'updateUser', 'deleteUser', 'teams', 'createTeam', 'updateTeam', 'deleteTeam', 'createCrew', 'updateCrew', 'deleteCrew', 'shifts', 'importPeople', 'keys', 'issueKey', 'revokeKey', 'categories', 'editCategory', 'holidays', 'putHoliday', 'deleteHoliday'] as const) {
    (api as unknown as Record<string, unknown>)[name] = spy(name, (over[name] as never) ?? base[name] ?? (() => undefined));
  }
  return { api, calls };
}

function setup(over: Partial<AdminApi> = {}) {
  const container = new FakeElement('aside');
  const toggle = new FakeElement('button');
  const { api, calls } = fakeApi(over);
  const onOpen = vi.fn();
  const panel = createAdminPanel({
    container: container as unknown as HTMLElement,
    toggle: toggle as unknown as HTMLButtonElement,
    api,
    i18n: new I18n(new MemoryStorage()),
    largeGrids: () => [{ code: 'LG03', name: '团结大网格' }],
    onOpen,
  });
  const click = (selector: string) => {
    const node = container.querySelector(selector);
    if (!node) throw new Error(`no ${selector}`);
    node.fire(node.tagName === 'form' ? 'submit' : 'click');
  };
  return { panel, container, toggle, calls, onOpen, click };
}

describe('admin panel', () => {
  it('is only for admins, and fetches nothing until it is opened', async () => {
    const { panel, toggle, container, calls } = setup();
    expect(toggle.hidden).toBe(true);
    panel.open();
    expect(panel.isOpen).toBe(false);
    panel.setEnabled(true);
    expect(toggle.hidden).toBe(false);
    expect(toggle.textContent).toBe('管理');
    await flush();
    expect(calls).toEqual([]);
    toggle.fire('click');
    await flush();
    expect(body.dataset.adminOpen).toBe('true');
    expect(body.dataset.adminTab).toBe('users');
    expect(container.querySelectorAll('button.admin-tab').map((b) => b.textContent)).toEqual(['用户', '队伍与队员', '班次', '导入人员', 'Open311 密钥', '事项类别', '节假日']);
    expect(calls.map((c) => c[0]).sort()).toEqual(['teams', 'users']);
    panel.setEnabled(false);
    expect(container.hidden).toBe(true);
    expect(toggle.hidden).toBe(true);
    expect(body.dataset.adminOpen).toBeUndefined();
  });

  it('lists users as text, with team and crew by name', async () => {
    const { panel, container } = setup();
    panel.setEnabled(true);
    panel.open('users');
    await flush();
    const row = container.querySelectorAll('tr[data-username]')[1]!;
    expect(row.getAttribute('data-username')).toBe('crew-<b>li</b>');
    expect(row.children.map((td) => td.textContent).slice(0, 4)).toEqual(['crew-<b>li</b>', '巡查队员', '李四（E17）三队<script>', '启用']);
    expect(row.children[0]!.title).toBe('创建于 2026-12-01 10:00');
    expect(container.querySelector('tr[data-username=admin] .user-team')!.textContent).toBe('—');
  });

  it('adds a crew user: the form becomes the request, the server\'s field errors go next to the fields', async () => {
    let refuse = true;
    const { panel, container, calls, click } = setup({
      createUser: ((b: { username: string }) => {
        if (refuse) throw new ApiError(400, 'Bad', 'x', { password: ['A password has at least 10 characters.'], username: ['Taken.'] });
        return { ...users[1]!, username: b.username };
      }) as never,
    });
    panel.setEnabled(true);
    panel.open('users');
    await flush();
    click('button[data-action=add-user]');
    const form = () => container.querySelector('form[data-form=user-create]')!;
    form().querySelector('input[name=username]')!.type('crew-wang');
    form().querySelector('input[name=password]')!.type('short');
    form().querySelector('input[name=roles][value=crew]')!.type(true);
    // crew users pick a crew instead of a team
    expect(form().querySelector('[data-field=teamId]')).toBeNull();
    form().querySelector('select[name=crewId]')!.type('17');
    click('form[data-form=user-create]');
    await flush();
    expect(calls.find((c) => c[0] === 'createUser')![1]).toEqual({ username: 'crew-wang', password: 'short', roles: ['crew'], teamId: null, crewId: 17, active: true });
    expect(form().querySelector('[data-field=password] .admin-field-error')!.textContent).toBe('A password has at least 10 characters.');
    expect(form().querySelector('[data-field=username] .admin-field-error')!.textContent).toBe('Taken.');
    expect(form().querySelector('.admin-form-error')!.textContent).toBe('请按标出的字段修改后再提交');
    // the draft survived the redraw
    expect(form().querySelector('input[name=username]')!.value).toBe('crew-wang');
    refuse = false;
    click('form[data-form=user-create]');
    await flush();
    expect(container.querySelector('form[data-form=user-create]')).toBeNull();
    expect(container.querySelector('.admin-ok')!.textContent).toBe('已添加用户 crew-wang');
  });

  it('disables a user only after the confirmation, keeping its roles and crew', async () => {
    const { panel, container, calls, click } = setup();
    panel.setEnabled(true);
    panel.open('users');
    await flush();
    const row = container.querySelectorAll('tr[data-username]')[1]!;
    row.querySelector('button[data-action=disable]')!.fire('click');
    expect(calls.some((c) => c[0] === 'updateUser')).toBe(false);
    expect(container.querySelector('.admin-confirm-text')!.textContent).toBe('确认停用用户 crew-<b>li</b>？停用后其登录立即失效，且无法再登录。');
    click('.admin-confirm-no');
    expect(container.querySelector('.admin-confirm')).toBeNull();
    container.querySelectorAll('tr[data-username]')[1]!.querySelector('button[data-action=disable]')!.fire('click');
    click('.admin-confirm-yes');
    await flush();
    expect(calls.find((c) => c[0] === 'updateUser')!.slice(1)).toEqual(['crew-<b>li</b>', { roles: ['crew'], teamId: null, crewId: 17, active: false }]);
    expect(container.querySelector('.admin-ok')!.textContent).toBe('已停用用户 crew-<b>li</b>');
    // the changed row is marked once, to be scrolled to and highlighted
    expect(container.querySelectorAll('tr.admin-flash').map((r) => r.getAttribute('data-username'))).toEqual(['crew-<b>li</b>']);
    panel.open('users');
    await flush();
    expect(container.querySelector('tr.admin-flash')).toBeNull();
  });

  it('shows a refused delete (the last admin) in the confirmation bar', async () => {
    const { panel, container, click } = setup({
      deleteUser: (() => {
        throw new ApiError(409, 'Last admin', "'admin' is the last active admin.");
      }) as never,
    });
    panel.setEnabled(true);
    panel.open('users');
    await flush();
    container.querySelectorAll('tr[data-username]')[0]!.querySelector('button[data-action=delete]')!.fire('click');
    click('.admin-confirm-yes');
    await flush();
    // said in the confirmation bar, where the admin is looking, with nothing left to confirm
    expect(container.querySelector('.admin-confirm .admin-confirm-error')!.textContent).toBe("'admin' is the last active admin.");
    expect(container.querySelector('.admin-confirm-yes')).toBeNull();
    click('.admin-confirm-no');
    expect(container.querySelector('.admin-confirm')).toBeNull();
  });

  it('Open311 keys: a server without the list says so and still issues; the key is shown once', async () => {
    const { panel, container, click } = setup({
      keys: (() => {
        throw new ApiError(404, 'Not Found', 'There is no endpoint at GET /api/open311/keys');
      }) as never,
      issueKey: ((name: string) => ({ name, apiKey: 'gg311_secret' })) as never,
    });
    panel.setEnabled(true);
    panel.open('keys');
    await flush();
    expect(container.querySelector('.admin-keys-unsupported')!.textContent).toContain('GET /api/open311/keys');
    expect(container.querySelector('.admin-error')).toBeNull();
    expect(container.querySelector('table[data-table=keys]')).toBeNull();
    click('button[data-action=issue-key]');
    container.querySelector('form[data-form=key-issue] input[name=name]')!.type(' 12345 app ');
    click('form[data-form=key-issue]');
    await flush();
    expect(container.querySelector('.admin-api-key')!.textContent).toBe('gg311_secret');
    panel.close();
    panel.open('keys');
    await flush();
    expect(container.querySelector('.admin-api-key')).toBeNull();
  });

  it('teams: an asset group has no large grid field, and its request none', async () => {
    const { panel, container, calls, click } = setup({ createTeam: ((b: { name: string }) => ({ id: 40, members: [], ...b })) as never });
    panel.setEnabled(true);
    panel.open('teams');
    await flush();
    click('button[data-action=add-team]');
    const form = () => container.querySelector('form[data-form=team-create]')!;
    expect(form().querySelector('select[name=largeGridCode]')).not.toBeNull();
    form().querySelector('input[name=name]')!.type('路灯所');
    form().querySelector('select[name=kind]')!.type('assetGroup');
    expect(form().querySelector('select[name=largeGridCode]')).toBeNull();
    form().querySelector('input[name=roleMix]')!.type('1+2');
    click('form[data-form=team-create]');
    await flush();
    expect(calls.find((c) => c[0] === 'createTeam')![1]).toEqual({ name: '路灯所', kind: 'assetGroup', largeGridCode: null, roleMix: '1+2' });
  });
});
