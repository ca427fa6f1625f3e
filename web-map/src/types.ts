import type { FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';

/** Response of `POST /api/auth/token`. */
export interface TokenResponse {
  accessToken: string;
  /** ISO 8601 instant. */
  expiresAt: string;
  roles: string[];
}

/** Response of `GET /api/me`. */
export interface Me {
  username: string;
  roles: string[];
  teamId?: number | string | null;
  crewId?: number | string | null;
}

export type GridLevel = 'large' | 'unit' | 'community' | 'street';

export interface GridProperties {
  code: string;
  name: string;
  level: GridLevel;
  parentCode?: string | null;
  teamId?: number | string | null;
  teamName?: string | null;
}

export type GridCollection = FeatureCollection<Polygon | MultiPolygon, GridProperties>;

export interface PostProperties {
  code: string;
  name: string;
  radiusM: number;
  teamId?: number | string | null;
  largeGridCode?: string | null;
}

export type PostCollection = FeatureCollection<Point, PostProperties>;

export interface NamedRef {
  code: string;
  name: string;
}

/** Response of `GET /api/grids/locate`. */
export interface LocateResult {
  unitGrid: NamedRef;
  largeGrid: NamedRef;
  community: NamedRef;
  street: NamedRef;
  team: { id: number | string; name: string } | null;
}

/** RFC 9457 problem details, as every error of the API is. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/** Case states (`status`), camelCase as the API sends them. */
export type IncidentStatus =
  | 'reported'
  | 'registered'
  | 'dispatched'
  | 'accepted'
  | 'inProgress'
  | 'handled'
  | 'verified'
  | 'closed'
  | 'unrouted'
  | 'parked'
  | 'voided';

/** Actions of `POST /api/incidents/{id}/transitions`. */
export type IncidentAction =
  | 'register'
  | 'dispatch'
  | 'accept'
  | 'start'
  | 'handle'
  | 'verify'
  | 'close'
  | 'sendBack'
  | 'extend'
  | 'park'
  | 'void'
  | 'reopen';

/** The display class of an incident on the map (tile property `state`). */
export type IncidentState = 'new' | 'open' | 'overdue' | 'closed';

/** One row of an incident's history; `action` is an IncidentAction or report / overdue / escalate. */
export interface IncidentHistoryEntry {
  at: string;
  actor: string;
  actorRole?: string | null;
  crewId?: number | null;
  action: string;
  from?: string | null;
  to: string;
  note?: string | null;
}

/** Response of `GET /api/incidents/{id}` (and of a successful transition). */
export interface IncidentDetail {
  id: number;
  status: string;
  category: { code: string; name: string; nameEn?: string | null; role?: string; deadlineRule?: string; urgency?: string };
  source: string;
  lon: number;
  lat: number;
  description?: string | null;
  assetCode?: string | null;
  channel?: string | null;
  reportedBy?: string | null;
  unitGridCode?: string | null;
  largeGridCode?: string | null;
  teamId?: number | null;
  teamName?: string | null;
  role?: string;
  routing?: { rule: string; distanceM?: number | null; note?: string | null } | null;
  duplicateOf?: { id: number; status: string } | null;
  duplicateCount?: number;
  reportedAt: string;
  updatedAt?: string;
  deadline?: string | null;
  deadlineRule?: string | null;
  overdue: boolean;
  handlerCrewId?: number | null;
  handlerName?: string | null;
  score?: number | null;
  reworkCount?: number;
  history: IncidentHistoryEntry[];
  availableActions: string[];
}

/** Body of `POST /api/incidents/{id}/transitions`. */
export interface TransitionRequest {
  action: string;
  note?: string;
  score?: number;
  extendHours?: number;
  teamId?: number;
}
