/** Shapes of the admin API (src/GridGov.Api: UsersApi, TeamsApi, PeopleImport, Open311Api, CatalogApi), camelCase. */

export const USER_ROLES = ['admin', 'dispatcher', 'planner', 'crew', 'leader'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const TEAM_KINDS = ['grid', 'assetGroup'] as const;
export type TeamKind = (typeof TEAM_KINDS)[number];

export const ADMIN_CREW_ROLES = ['lead', 'enforcement', 'municipal', 'landscaping', 'sanitation', 'community'] as const;
export const ADMIN_SHIFTS = ['early', 'middle', 'late', 'night'] as const;

/** `GET /api/users` rows. */
export interface UserView {
  id: number;
  username: string;
  roles: string[];
  teamId?: number | null;
  crewId?: number | null;
  active: boolean;
  createdAt: string;
}

/** `POST /api/users`, `PUT /api/users/{username}`: PUT replaces roles, team, crew and active; a password only when given. */
export interface UserRequest {
  username?: string;
  password?: string;
  roles: string[];
  teamId: number | null;
  crewId: number | null;
  active: boolean;
}

export interface CrewAdminView {
  id: number;
  name: string;
  employeeNo: string;
  teamId: number;
  role: string;
  shift: string;
  isLead: boolean;
  phone?: string | null;
  active: boolean;
}

/** `GET /api/teams`: every team with its crews, former ones included. */
export interface TeamView {
  id: number;
  name: string;
  kind: TeamKind | string;
  largeGridCode?: string | null;
  roleMix: string;
  members: CrewAdminView[];
}

export interface TeamRequest {
  name: string;
  kind: TeamKind;
  largeGridCode: string | null;
  roleMix: string;
}

export interface CrewRequest {
  name: string;
  employeeNo: string;
  teamId: number | null;
  role: string;
  shift: string;
  phone: string | null;
  isLead: boolean;
}

/** `GET /api/shifts`. */
export interface ShiftView {
  code: string;
  hours: string;
  onNow: boolean;
}

export interface ImportCount {
  created: number;
  updated: number;
}

/** 200 of `POST /api/import/people`. */
export interface PeopleImportResult {
  teams: ImportCount;
  crews: ImportCount;
  users: ImportCount;
  passwords: Array<{ username: string; password: string }>;
}

/** `GET /api/open311/keys` rows (when the server has it): never the key, at most its first characters. */
export interface KeySummary {
  id: number;
  name: string;
  prefix?: string | null;
  createdAt?: string | null;
  createdBy?: string | null;
  lastUsedAt?: string | null;
  revoked?: boolean;
  revokedAt?: string | null;
  revokedBy?: string | null;
}

/** 201 of `POST /api/open311/keys`: the key itself, shown once. */
export interface IssuedKey {
  id?: number;
  name: string;
  prefix?: string;
  apiKey: string;
}

export const DEADLINE_UNITS = ['emergencyHours', 'workingHours', 'workingDays'] as const;
export const URGENCIES = ['normal', 'urgent', 'emergency'] as const;

/** `GET /api/categories`. */
export interface CategoryDto {
  code: string;
  major: string;
  majorName: string;
  name: string;
  nameEn: string;
  role: string;
  deadlineValue: number;
  deadlineUnit: string;
  deadlineRule: string;
  urgency: string;
  active: boolean;
}

/** `PUT /api/categories/{code}`: the fields to set. */
export interface CategoryEdit {
  name?: string;
  nameEn?: string;
  role?: string;
  deadlineValue?: number;
  deadlineUnit?: string;
  urgency?: string;
  active?: boolean;
}

/** `GET /api/calendar/holidays`: holidays (working=false) and adjusted working days (working=true). */
export interface Holiday {
  date: string;
  name: string;
  working: boolean;
}
