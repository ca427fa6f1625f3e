import type { FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';

/** The life-circle API's shapes (GB 50180-2018 levels: 5, 10 and 15 minutes' walk). All GeoJSON in WGS84 lon/lat. */

/** `GET /api/lifecircles/classes`: a facility class, its level and the walking distance of that level. */
export interface FacilityClass {
  class: string;
  zh: string;
  en: string;
  level: number;
  /** false: an optional "quality" element (TD/T 1062), not counted in classesMet. */
  required: boolean;
  metres: number;
}

export interface BandProperties {
  minutes: number;
  metres: number;
}
/** `GET /api/lifecircles/isochrone`: one (Multi)Polygon per band; an outer band contains the inner ones. */
export type IsochroneCollection = FeatureCollection<Polygon | MultiPolygon, BandProperties>;

export interface FacilityProperties {
  id: number | string;
  class: string;
  level: number;
  name: string;
  unitGridCode?: string | null;
}
export type FacilityCollection = FeatureCollection<Point, FacilityProperties>;

/** `GET /api/lifecircles/communities`: one line of the ranking. */
export interface CommunitySummary {
  code: string;
  name: string;
  buildings: number;
  households: number;
  /** Required classes counted. */
  classes: number;
  /** Required classes whose share of covered buildings is ≥ 0.9. */
  classesMet: number;
  worstClass: string | null;
  worstShare: number | null;
}

export interface ClassCoverage {
  class: string;
  level: number;
  minutes: number;
  metres: number;
  required: boolean;
  buildings: number;
  buildingsCovered: number;
  share: number | null;
  households?: number | null;
  householdsCovered?: number | null;
}

export interface GapProperties {
  class: string;
  buildings: number;
}
export type GapCollection = FeatureCollection<Polygon | MultiPolygon, GapProperties>;

/** `GET /api/lifecircles/coverage`: every class for one community (or large grid), the worst ones and the gaps. */
export interface Coverage {
  code: string;
  name: string;
  /** 'community' or 'large'. */
  level?: string;
  buildings: number;
  households: number;
  classes: ClassCoverage[];
  worst: string[];
  gaps: GapCollection;
  /** When the walking distances behind it were computed. */
  computedAt?: string;
}

export type CoverageTarget = { community: string } | { largeGrid: string };

/** `POST /api/lifecircles/facilities`: a planned facility. */
export interface NewFacility {
  class: string;
  name: string;
  lon: number;
  lat: number;
}
