import { ApiError } from '../api';
import { describeError } from '../errors';
import type { I18n, StringKey } from '../i18n';
import type { CategoryDto, CategoryEdit, CrewAdminView, CrewRequest, TeamKind, TeamRequest, TeamView, UserRequest, UserView } from './types';

/** Form → request, pure: what the admin typed becomes exactly the body the API expects. */

/** Field messages (by the form's field name) and messages for the form as a whole. */
export interface FormErrors {
  fields: Record<string, string[]>;
  form: string[];
}

export const noErrors = (): FormErrors => ({ fields: {}, form: [] });

export type Mapped<T> = { ok: true; body: T } | { ok: false; errors: FormErrors };

const trimmed = (s: string | undefined | null): string => (s ?? '').trim();
const idOrNull = (s: string | undefined | null): number | null => {
  const v = trimmed(s);
  return /^\d+$/.test(v) ? Number(v) : null;
};

export interface UserDraft {
  username: string;
  password: string;
  roles: string[];
  teamId: string;
  crewId: string;
  active: boolean;
}

export const userDraft = (user?: UserView): UserDraft => ({
  username: user?.username ?? '',
  password: '',
  roles: user ? [...user.roles] : [],
  teamId: user?.teamId != null ? String(user.teamId) : '',
  crewId: user?.crewId != null ? String(user.crewId) : '',
  active: user?.active ?? true,
});

/**
 * POST /api/users (`create`) or PUT /api/users/{username}: the roles, team, crew and active replace the user's; the
 * password goes only when typed. A crew user names its crew and no team (the team follows the crew); others no crew.
 */
export function userRequest(draft: UserDraft, mode: 'create' | 'edit'): UserRequest {
  const crew = draft.roles.includes('crew');
  const body: UserRequest = {
    roles: [...draft.roles],
    teamId: crew ? null : idOrNull(draft.teamId),
    crewId: crew ? idOrNull(draft.crewId) : null,
    active: draft.active,
  };
  if (mode === 'create') body.username = trimmed(draft.username);
  if (draft.password !== '' || mode === 'create') body.password = draft.password;
  return body;
}

export interface TeamDraft {
  name: string;
  kind: TeamKind;
  largeGridCode: string;
  roleMix: string;
}

export const teamDraft = (team?: TeamView): TeamDraft => ({
  name: team?.name ?? '',
  kind: team?.kind === 'assetGroup' ? 'assetGroup' : 'grid',
  largeGridCode: team?.largeGridCode ?? '',
  roleMix: team?.roleMix ?? '2+1+1+1',
});

/** An asset group answers for assets, never a large grid: its grid is left out whatever the field holds. */
export const teamRequest = (draft: TeamDraft): TeamRequest => ({
  name: trimmed(draft.name),
  kind: draft.kind,
  largeGridCode: draft.kind === 'grid' && trimmed(draft.largeGridCode) ? trimmed(draft.largeGridCode) : null,
  roleMix: trimmed(draft.roleMix),
});

export interface CrewDraft {
  name: string;
  employeeNo: string;
  teamId: string;
  role: string;
  shift: string;
  phone: string;
  isLead: boolean;
}

export const crewDraft = (crew?: CrewAdminView, teamId?: number): CrewDraft => ({
  name: crew?.name ?? '',
  employeeNo: crew?.employeeNo ?? '',
  teamId: crew ? String(crew.teamId) : teamId !== undefined ? String(teamId) : '',
  role: crew?.role ?? 'enforcement',
  shift: crew?.shift ?? 'early',
  phone: crew?.phone ?? '',
  isLead: crew?.isLead ?? false,
});

export const crewRequest = (draft: CrewDraft): CrewRequest => ({
  name: trimmed(draft.name),
  employeeNo: trimmed(draft.employeeNo),
  teamId: idOrNull(draft.teamId),
  role: draft.role,
  shift: draft.shift,
  phone: trimmed(draft.phone) || null,
  isLead: draft.isLead,
});

export interface CategoryDraft {
  name: string;
  nameEn: string;
  role: string;
  deadlineValue: string;
  deadlineUnit: string;
  urgency: string;
  active: boolean;
}

export const categoryDraft = (c: CategoryDto): CategoryDraft => ({
  name: c.name,
  nameEn: c.nameEn,
  role: c.role,
  deadlineValue: String(c.deadlineValue),
  deadlineUnit: c.deadlineUnit,
  urgency: c.urgency,
  active: c.active,
});

/** PUT /api/categories/{code}; the deadline is a whole number 1-365 (checked here, as the server does). */
export function categoryEdit(draft: CategoryDraft, i18n: I18n): Mapped<CategoryEdit> {
  const value = trimmed(draft.deadlineValue);
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 365) {
    return { ok: false, errors: { fields: { deadlineValue: [i18n.t('admin.categories.deadlineRange')] }, form: [] } };
  }
  const body: CategoryEdit = { role: draft.role, deadlineValue: Number(value), deadlineUnit: draft.deadlineUnit, urgency: draft.urgency, active: draft.active };
  if (trimmed(draft.name)) body.name = trimmed(draft.name);
  if (trimmed(draft.nameEn)) body.nameEn = trimmed(draft.nameEn);
  return { ok: true, body };
}

export interface HolidayDraft {
  date: string;
  name: string;
  working: boolean;
}

/** PUT /api/calendar/holidays/{date} { name, working }; the date is yyyy-MM-dd. */
export function holidayRequest(draft: HolidayDraft, i18n: I18n): Mapped<{ date: string; name: string; working: boolean }> {
  const date = trimmed(draft.date);
  const fields: Record<string, string[]> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) fields.date = [i18n.t('admin.holidays.dateFormat')];
  if (!trimmed(draft.name)) fields.name = [i18n.t('admin.required')];
  if (Object.keys(fields).length) return { ok: false, errors: { fields, form: [] } };
  return { ok: true, body: { date, name: trimmed(draft.name), working: draft.working } };
}

/**
 * A failure as form messages: a validation problem's `errors` go next to the fields they name (matched without case,
 * `aliases` mapping server names onto the form's), the rest to the form; anything else is the problem's `detail`.
 */
export function formErrors(error: unknown, fields: readonly string[], i18n: I18n, aliases: Record<string, string> = {}): FormErrors {
  const out = noErrors();
  if (!(error instanceof ApiError) || !Object.keys(error.errors).length) {
    out.form.push(describeError(error, i18n));
    return out;
  }
  const byLower = new Map(fields.map((f) => [f.toLowerCase(), f]));
  for (const [key, messages] of Object.entries(error.errors)) {
    const name = aliases[key] ?? byLower.get(key.toLowerCase());
    if (name && fields.includes(name)) (out.fields[name] ??= []).push(...messages);
    else out.form.push(...messages);
  }
  if (!out.form.length) out.form.push(i18n.t('admin.fixFields'));
  return out;
}

/** The label key of a form-level message, or the message: for the few places a key is all there is. */
export type Message = { key: StringKey; params?: Record<string, string | number> } | { text: string };

export const messageText = (m: Message, i18n: I18n): string => ('key' in m ? i18n.t(m.key, m.params) : m.text);
