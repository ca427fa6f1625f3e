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
