import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { I18n } from '../i18n';
import { MemoryStorage } from '../ready';
import { categoryDraft, categoryEdit, crewDraft, crewRequest, formErrors, holidayRequest, teamDraft, teamRequest, userDraft, userRequest } from './forms';
import type { CategoryDto, UserView } from './types';

const zh = () => new I18n(new MemoryStorage());

const crewUser: UserView = { id: 9, username: 'crew-li', roles: ['crew'], teamId: 3, crewId: 17, active: true, createdAt: '2026-12-01T00:00:00Z' };

describe('userRequest', () => {
  it('creates a crew user with its crew and no team (the team follows the crew)', () => {
    const draft = { ...userDraft(), username: '  crew-li ', password: 'abc1234567', roles: ['crew'], teamId: '3', crewId: '17' };
    expect(userRequest(draft, 'create')).toEqual({ username: 'crew-li', password: 'abc1234567', roles: ['crew'], teamId: null, crewId: 17, active: true });
  });

  it('gives other roles a team and never a crew', () => {
    const draft = { ...userDraft(), username: 'disp2', password: 'x', roles: ['dispatcher', 'leader'], teamId: '4', crewId: '17' };
    expect(userRequest(draft, 'create')).toMatchObject({ roles: ['dispatcher', 'leader'], teamId: 4, crewId: null });
    expect(userRequest({ ...draft, teamId: '' }, 'create').teamId).toBeNull();
  });

  it('sends the password on create even when empty (the server says why), on edit only when typed', () => {
    expect(userRequest({ ...userDraft(), username: 'a1', roles: ['planner'] }, 'create')).toHaveProperty('password', '');
    const edit = userRequest(userDraft(crewUser), 'edit');
    expect(edit).toEqual({ roles: ['crew'], teamId: null, crewId: 17, active: true });
    expect(edit).not.toHaveProperty('password');
    expect(edit).not.toHaveProperty('username');
    expect(userRequest({ ...userDraft(crewUser), password: 'new1234567x' }, 'edit').password).toBe('new1234567x');
  });

  it('disabling keeps roles, team and crew as they are (PUT replaces them)', () => {
    expect(userRequest({ ...userDraft(crewUser), active: false }, 'edit')).toEqual({ roles: ['crew'], teamId: null, crewId: 17, active: false });
    const planner: UserView = { ...crewUser, username: 'p', roles: ['planner'], teamId: 5, crewId: null };
    expect(userRequest({ ...userDraft(planner), active: false }, 'edit')).toEqual({ roles: ['planner'], teamId: 5, crewId: null, active: false });
  });
});

describe('teamRequest and crewRequest', () => {
  it('leaves an asset group without a large grid, whatever the field holds', () => {
    expect(teamRequest({ name: ' 路灯所 ', kind: 'assetGroup', largeGridCode: 'LG01', roleMix: ' 1+2 ' })).toEqual({ name: '路灯所', kind: 'assetGroup', largeGridCode: null, roleMix: '1+2' });
    expect(teamRequest({ name: '一队', kind: 'grid', largeGridCode: ' LG02 ', roleMix: '2+1+1+1' }).largeGridCode).toBe('LG02');
    expect(teamRequest({ ...teamDraft(), name: 'x' }).largeGridCode).toBeNull();
    expect(teamDraft({ id: 1, name: 'a', kind: 'assetGroup', roleMix: '1', members: [] }).kind).toBe('assetGroup');
  });

  it('maps a crew form: team id as a number, empty phone as null', () => {
    const draft = { ...crewDraft(undefined, 12), name: ' 王五 ', employeeNo: ' E-77 ', role: 'municipal', shift: 'night', isLead: true };
    expect(crewRequest(draft)).toEqual({ name: '王五', employeeNo: 'E-77', teamId: 12, role: 'municipal', shift: 'night', phone: null, isLead: true });
    expect(crewRequest({ ...draft, teamId: '', phone: ' 138-0000-0000 ' })).toMatchObject({ teamId: null, phone: '138-0000-0000' });
  });
});

describe('categoryEdit and holidayRequest', () => {
  const category: CategoryDto = {
    code: '01012', major: '01', majorName: '公用设施', name: '井盖缺失', nameEn: 'Missing manhole cover', role: 'municipal',
    deadlineValue: 2, deadlineUnit: 'workingHours', deadlineRule: '2 workingHours', urgency: 'urgent', active: true,
  };

  it('sends every field of the rule, the deadline as a number', () => {
    const r = categoryEdit({ ...categoryDraft(category), deadlineValue: ' 4 ', deadlineUnit: 'workingDays' }, zh());
    expect(r).toEqual({ ok: true, body: { name: '井盖缺失', nameEn: 'Missing manhole cover', role: 'municipal', deadlineValue: 4, deadlineUnit: 'workingDays', urgency: 'urgent', active: true } });
  });

  it('refuses a deadline outside 1-365 next to its field', () => {
    for (const bad of ['0', '366', '2.5', 'abc', '']) {
      const r = categoryEdit({ ...categoryDraft(category), deadlineValue: bad }, zh());
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.errors.fields.deadlineValue).toEqual(['请输入 1 到 365 之间的整数']);
    }
  });

  it('checks a holiday date and name', () => {
    expect(holidayRequest({ date: '2026-10-01', name: ' 国庆节 ', working: false }, zh())).toEqual({ ok: true, body: { date: '2026-10-01', name: '国庆节', working: false } });
    const r = holidayRequest({ date: '10/01/2026', name: ' ', working: true }, zh());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors.fields).sort()).toEqual(['date', 'name']);
  });
});

describe('formErrors', () => {
  const fields = ['username', 'password', 'roles', 'teamId', 'crewId'];

  it('puts each server message next to the field it names, matched without case', () => {
    const error = new ApiError(400, 'Bad', 'x', { Username: ['A user exists already.'], crewId: ['There is no active crew 99.'] });
    expect(formErrors(error, fields, zh())).toEqual({
      fields: { username: ['A user exists already.'], crewId: ['There is no active crew 99.'] },
      form: ['请按标出的字段修改后再提交'],
    });
  });

  it('keeps messages of fields the form does not have for the form', () => {
    const error = new ApiError(400, 'Bad', 'x', { body: ['Send { username }.'], password: ['Too short.'] });
    expect(formErrors(error, fields, zh())).toEqual({ fields: { password: ['Too short.'] }, form: ['Send { username }.'] });
    expect(formErrors(new ApiError(400, 'Bad', 'x', { team: ['No.'] }), ['teamId'], zh(), { team: 'teamId' }).fields).toEqual({ teamId: ['No.'] });
  });

  it('shows the detail of any other failure for the form', () => {
    const last = new ApiError(409, 'Last admin', "'admin' is the last active admin.");
    expect(formErrors(last, fields, zh())).toEqual({ fields: {}, form: ["'admin' is the last active admin."] });
    expect(formErrors(new ApiError(0, 'network', 'fetch failed'), fields, zh()).form).toEqual(['无法连接服务器，请检查网络']);
  });
});
