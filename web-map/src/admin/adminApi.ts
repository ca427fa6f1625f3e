import type { Http } from '../api';
import type {
  CategoryDto,
  CategoryEdit,
  CrewAdminView,
  CrewRequest,
  Holiday,
  IssuedKey,
  KeySummary,
  PeopleImportResult,
  ShiftView,
  TeamRequest,
  TeamView,
  UserRequest,
  UserView,
} from './types';

/** One function per admin endpoint; every failure is an ApiError (with `errors` by field for a 400). */
export interface AdminApi {
  users(): Promise<UserView[]>;
  createUser(body: UserRequest): Promise<UserView>;
  updateUser(username: string, body: UserRequest): Promise<UserView>;
  deleteUser(username: string): Promise<void>;
  teams(): Promise<TeamView[]>;
  createTeam(body: TeamRequest): Promise<TeamView>;
  updateTeam(id: number, body: TeamRequest): Promise<TeamView>;
  deleteTeam(id: number): Promise<void>;
  createCrew(body: CrewRequest): Promise<CrewAdminView>;
  updateCrew(id: number, body: CrewRequest): Promise<CrewAdminView>;
  /** A crew leaves: kept for its history, off duty, its sign-ins disabled. */
  deleteCrew(id: number): Promise<CrewAdminView>;
  shifts(): Promise<ShiftView[]>;
  importPeople(form: FormData): Promise<PeopleImportResult>;
  keys(): Promise<KeySummary[]>;
  issueKey(name: string): Promise<IssuedKey>;
  revokeKey(id: number): Promise<void>;
  categories(): Promise<CategoryDto[]>;
  editCategory(code: string, body: CategoryEdit): Promise<CategoryDto>;
  holidays(): Promise<Holiday[]>;
  putHoliday(date: string, body: { name: string; working: boolean }): Promise<Holiday>;
  deleteHoliday(date: string): Promise<void>;
}

const seg = (value: string | number): string => encodeURIComponent(String(value));

export function createAdminApi(http: Http): AdminApi {
  const r = http.request.bind(http);
  return {
    users: () => r('GET', '/api/users'),
    createUser: (body) => r('POST', '/api/users', body),
    updateUser: (username, body) => r('PUT', `/api/users/${seg(username)}`, body),
    deleteUser: (username) => r('DELETE', `/api/users/${seg(username)}`),
    teams: () => r('GET', '/api/teams'),
    createTeam: (body) => r('POST', '/api/teams', body),
    updateTeam: (id, body) => r('PUT', `/api/teams/${seg(id)}`, body),
    deleteTeam: (id) => r('DELETE', `/api/teams/${seg(id)}`),
    createCrew: (body) => r('POST', '/api/crews', body),
    updateCrew: (id, body) => r('PUT', `/api/crews/${seg(id)}`, body),
    deleteCrew: (id) => r('DELETE', `/api/crews/${seg(id)}`),
    shifts: () => r('GET', '/api/shifts'),
    importPeople: (form) => r('POST', '/api/import/people', form),
    keys: () => r('GET', '/api/open311/keys'),
    issueKey: (name) => r('POST', '/api/open311/keys', { name }),
    revokeKey: (id) => r('DELETE', `/api/open311/keys/${seg(id)}`),
    categories: () => r('GET', '/api/categories'),
    editCategory: (code, body) => r('PUT', `/api/categories/${seg(code)}`, body),
    holidays: () => r('GET', '/api/calendar/holidays'),
    putHoliday: (date, body) => r('PUT', `/api/calendar/holidays/${seg(date)}`, body),
    deleteHoliday: (date) => r('DELETE', `/api/calendar/holidays/${seg(date)}`),
  };
}
