import type { Geometry, LineString, Polygon } from 'geojson';
import type { GridLevel } from '../types';

/** The DTOs of the plans API (`/api/plans/...`), as the server sends them (camelCase JSON). */

export type PlanStatus = 'draft' | 'published' | 'archived';
export const PLAN_STATUSES: readonly PlanStatus[] = ['draft', 'published', 'archived'];

export interface Plan {
  id: number;
  name: string;
  status: PlanStatus;
  basedOnId?: number | null;
  createdBy?: string | null;
  createdAt?: string | null;
  publishedAt?: string | null;
  archivedAt?: string | null;
  /** Bumped by every change of the plan; an edit names the version it was made on (`baseVersion`). */
  version: number;
  /** How many grids the plan has, all levels. */
  grids?: number;
}

export interface NewPlanRequest {
  name: string;
  basedOnId?: number;
  empty?: boolean;
}

export type GeoCrs = 'wgs84' | 'cgcs2000' | 'gcj02' | 'bd09';
export const GEO_CRS: readonly GeoCrs[] = ['wgs84', 'cgcs2000', 'gcj02', 'bd09'];
export const GRID_LEVELS: readonly GridLevel[] = ['county', 'street', 'community', 'large', 'unit'];

export interface ImportParams {
  level: GridLevel;
  /** Empty: the server reads the .prj (or takes GeoJSON as WGS84). */
  crs?: GeoCrs | '';
  codeField?: string;
  nameField?: string;
  parentField?: string;
}

export interface ImportResult {
  level: GridLevel;
  created: number;
  updated: number;
  removed: number;
  version: number;
}

export type EditOp = 'reshape' | 'split' | 'merge' | 'assign' | 'rename' | 'recode' | 'setTeam' | 'clean';
export const EDIT_OPS: readonly EditOp[] = ['reshape', 'split', 'merge', 'assign', 'rename', 'recode', 'setTeam', 'clean'];

/** The body of `POST /api/plans/{id}/edits`, one shape per op. */
export type EditBody =
  | { op: 'reshape'; baseVersion: number; level: 'unit' | 'large'; code: string; geometry: Polygon; crs?: GeoCrs }
  | { op: 'split'; baseVersion: number; code: string; line: LineString; newCode?: string; crs?: GeoCrs }
  | { op: 'merge'; baseVersion: number; codes: string[] }
  | { op: 'assign'; baseVersion: number; codes: string[]; largeGrid: string }
  | { op: 'rename'; baseVersion: number; code: string; name: string }
  | { op: 'recode'; baseVersion: number; code: string; newCode: string }
  | { op: 'clean'; baseVersion: number; level: GridLevel; snapM: number; maxGapM: number };

export interface EditSummary {
  seq: number;
  op: EditOp | string;
  summary: string;
  actor: string;
  at: string;
}

export interface EditChange {
  kind: string;
  codes: string[];
  areaM2?: number | null;
  detail?: string | null;
}

export interface EditResult {
  version: number;
  edit: EditSummary;
  changed: string[];
  removed: string[];
  changes?: EditChange[];
}

export interface UndoResult {
  version: number;
  edit: EditSummary;
}

export interface HistoryEntry extends EditSummary {
  undone: boolean;
}

export type ProblemKind = 'gap' | 'notch' | 'overlap' | 'edgeMismatch' | 'invalidGeometry' | 'notNested' | 'codeRule' | 'empty' | 'keyPost' | 'noTeam';
export const PROBLEM_KINDS: readonly ProblemKind[] = ['gap', 'notch', 'overlap', 'edgeMismatch', 'invalidGeometry', 'notNested', 'codeRule', 'empty', 'keyPost', 'noTeam'];

export interface Problem {
  kind: ProblemKind | string;
  level?: GridLevel | string | null;
  codes: string[];
  detail?: string | null;
  geometry?: Geometry | null;
}

export interface ValidationResult {
  valid: boolean;
  problems: Problem[];
  /** Notes that do not block publishing (e.g. a large grid with no team). */
  warnings?: Problem[];
}

export interface BalanceRow {
  code: string;
  name?: string | null;
  teamId?: number | string | null;
  teamName?: string | null;
  areaKm2: number;
  unitGrids: number;
  buildings: number;
  households?: number | null;
  incidents12m: number;
  /** incidents12m / mean − 1 */
  deviation: number;
}

export interface CompareGrid {
  code: string;
  level: GridLevel | string;
  name?: string | null;
  geometry?: Geometry | null;
}

export interface ReshapedGrid {
  code: string;
  level: GridLevel | string;
  name?: string | null;
  areaMovedM2?: number | null;
  areaGainedM2?: number | null;
  areaLostM2?: number | null;
  geometry?: Geometry | null;
}

export interface MovingIncident {
  incidentId: number;
  status?: string;
  fromTeamId?: number | string | null;
  toTeamId?: number | string | null;
  fromUnitGrid?: string | null;
  toUnitGrid?: string | null;
}

export interface CompareResult {
  added: CompareGrid[];
  removed: CompareGrid[];
  reshaped: ReshapedGrid[];
  /** Same outline, new name. */
  renamed?: CompareGrid[];
  openIncidentsMoving: MovingIncident[];
  buildingsChangingTeam: number;
}

export interface PublishResult {
  plan: Plan;
  rerouted: number;
  /** Open cases whose team changed (a subset of those re-routed). */
  teamChanged?: number;
  archivedPlanId?: number | null;
}

export type ExportFormat = 'geojson' | 'shapefile' | 'geopackage';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['geojson', 'shapefile', 'geopackage'];
