import type { FeatureCollection, LineString, MultiPolygon, Point, Polygon } from 'geojson';

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

export type GridLevel = 'large' | 'unit' | 'community' | 'street' | 'county';

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
  /** Photos of the problem (`before`) and of the work done (`after`), oldest first. */
  photos?: PhotoView[];
  /** Handling needs an after-photo first (the category requires one and there is none yet). */
  afterPhotoRequired?: boolean;
  /** The case's latest community order (三单): which pool, how far, who took it. */
  order?: OrderRef | null;
}

/** A case's community order as the case detail names it. */
export interface OrderRef {
  id: number;
  community: string;
  status: string;
  memberId?: number | null;
  memberName?: string | null;
  score?: number | null;
  points?: number | null;
}

/** A photo of an incident (`GET /api/incidents/{id}/photos`); `url`/`thumbUrl` need the Bearer header. */
export interface PhotoView {
  id: number;
  incidentId: number;
  kind: 'before' | 'after' | string;
  url: string;
  thumbUrl?: string | null;
  width?: number;
  height?: number;
  bytes?: number;
  contentType?: string;
  createdAt?: string;
  by?: 'resident' | 'crew' | 'staff' | string;
}

/** Body of `POST /api/incidents/{id}/transitions`. */
export interface TransitionRequest {
  action: string;
  note?: string;
  score?: number;
  extendHours?: number;
  teamId?: number;
}

/** What a crew member handles (`GET /api/crews` `role`). */
export type CrewRole = 'lead' | 'enforcement' | 'municipal' | 'landscaping' | 'sanitation' | 'community';

/** Staggered duty (早、中、晚错时值班). */
export type CrewShift = 'early' | 'middle' | 'late' | 'night';

/** A crew member's latest fix as `GET /api/crews` reports it. */
export interface CrewFix {
  lon: number;
  lat: number;
  /** ISO 8601 UTC instant of the fix. */
  t: string;
  accuracyM?: number | null;
  /** Seconds between the fix and the server's clock when it answered. */
  ageS?: number | null;
}

/** One row of `GET /api/crews`. */
export interface Crew {
  id: number;
  name: string;
  employeeNo: string;
  teamId: number;
  teamName: string;
  largeGridCode: string;
  role: string;
  shift: string;
  onShift: boolean;
  position: CrewFix | null;
}

/** Why a crew member is not a candidate for an incident. */
export type ExclusionReason = 'offShift' | 'wrongRole' | 'atCapacity' | 'stale' | 'noPosition' | 'declined' | 'offered';

export interface Candidate {
  crewId: number;
  name: string;
  teamId: number;
  teamName: string;
  role: string;
  distanceM: number;
  etaS: number;
  /** True when distance and ETA are along the roads, false for the straight line. */
  byRoad: boolean;
  straightM: number;
  /** A crew of another team than the case's (跨网格支援): ranked after the grid's own team. */
  support?: boolean;
}

export interface ExcludedCrew {
  crewId: number;
  name: string;
  reason: string;
  /** A sentence in English from the server. */
  detail?: string | null;
}

/** Response of `GET /api/incidents/{id}/candidates`, best first. */
export interface CandidateList {
  incidentId: number;
  candidates: Candidate[];
  excluded: ExcludedCrew[];
}

/** Response of `POST /api/incidents/{id}/assign`: the offer made to a crew member. */
export interface Offer {
  id: number;
  incidentId: number;
  crewId: number;
  crewName: string;
  status: string;
  offeredAt: string;
  expiresAt: string;
  distanceM: number;
  etaS: number;
  byRoad: boolean;
}

/** One element of the hub's `positions` message. */
export interface PositionFix {
  crewId: number;
  lon: number;
  lat: number;
  /** ISO 8601 UTC instant. */
  t: string;
}

/** The hub's `incident` message, on create and on every transition. */
export interface IncidentEvent {
  id: number;
  status: string;
  categoryCode: string;
  categoryName: string;
  lon: number;
  lat: number;
  teamId: number | null;
  overdue: boolean;
  at: string;
}

/** The hub's `geofence` message: a crew member left or came back into their large grid. */
export interface GeofenceEvent {
  crewId: number;
  crewName: string;
  largeGridCode: string;
  lon: number;
  lat: number;
  t: string;
  kind: 'left' | 'returned';
}

/** Answer of the hub's `Subscribe`: the bbox as the server clipped it to the county. */
export interface SubscribeResult {
  tiles: unknown;
  bbox: [number, number, number, number];
}

/** An open case about a lamp, circuit or cabinet, as the lamp and circuit panels list it. */
export interface CaseRef {
  id: number;
  status: string;
  category: string;
  /** lamp | circuit | cabinet */
  assetKind?: string | null;
  assetCode?: string | null;
  /** The circuit or cabinet fault a lamp report was absorbed into. */
  faultId?: number | null;
  reportedAt: string;
  teamId?: number | null;
}

/** Response of `GET /api/streetlights/{code}`: a lamp (component 01037) or a cabinet (01060). Null fields are left out. */
export interface LampView {
  code: string;
  component: string;
  lon: number;
  lat: number;
  /** normal | faulty | off */
  status: string;
  unitGridCode?: string | null;
  circuitSeq?: number | null;
  poleCode?: string | null;
  lampType?: string | null;
  powerW?: number | null;
  /** YYYY-MM-DD */
  installedOn?: string | null;
  circuit?: { code: string; lamps: number; lampsFaulty: number; status: string } | null;
  cabinet?: { code: string; lon: number; lat: number; status: string; circuits: number } | null;
  openReports?: CaseRef[];
}

/** Response of `GET /api/circuits/{code}`. */
export interface CircuitView {
  code: string;
  status: string;
  cabinet?: { code: string; lon: number; lat: number; status: string; circuits: number } | null;
  lamps: Array<{ code: string; seq?: number | null; lon: number; lat: number; status: string }>;
  /** The lamps in cable order: a LineString (a Point for a circuit of one lamp). */
  path: LineString | Point;
  openFaults?: CaseRef[];
  openReports?: CaseRef[];
}
