import type { Http } from '../api';
import type { GridCollection } from '../types';
import type { Coverage, CoverageTarget, CommunitySummary, FacilityClass, FacilityCollection, IsochroneCollection, NewFacility } from './types';

/** The bands asked for: GB 50180's 5-, 10- and 15-minute life circles. */
export const ISOCHRONE_MINUTES: readonly number[] = [5, 10, 15];

/** One function per `/api/lifecircles` endpoint; every failure is an ApiError with the server's `detail`. */
export interface LifeCircleApi {
  classes(): Promise<FacilityClass[]>;
  isochrone(lon: number, lat: number, minutes?: readonly number[]): Promise<IsochroneCollection>;
  facilities(cls?: string): Promise<FacilityCollection>;
  communities(): Promise<CommunitySummary[]>;
  coverage(target: CoverageTarget): Promise<Coverage>;
  /** The community outlines (`/api/grids?level=community`), to draw and zoom to the one opened. */
  communityGrids(): Promise<GridCollection>;
  addFacility(body: NewFacility): Promise<{ id: number | string }>;
  deleteFacility(id: number | string): Promise<void>;
}

const enc = encodeURIComponent;
/** Seven decimals: about a centimetre, as the locate call sends. */
const coord = (v: number): string => v.toFixed(7);

export function isochronePath(lon: number, lat: number, minutes: readonly number[] = ISOCHRONE_MINUTES): string {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) throw new RangeError('lon and lat must be numbers');
  const list = [...new Set(minutes.map((m) => Math.round(m)))].filter((m) => m > 0).sort((a, b) => a - b);
  if (!list.length) throw new RangeError('at least one band is needed');
  // Commas as they are: the contract's own spelling, `minutes=5,10,15`.
  return `/api/lifecircles/isochrone?lon=${coord(lon)}&lat=${coord(lat)}&minutes=${list.join(',')}`;
}

export const facilitiesPath = (cls?: string | null): string =>
  cls?.trim() ? `/api/lifecircles/facilities?class=${enc(cls.trim())}` : '/api/lifecircles/facilities';

export function coveragePath(target: CoverageTarget): string {
  if ('community' in target) return `/api/lifecircles/coverage?community=${enc(target.community)}`;
  return `/api/lifecircles/coverage?largeGrid=${enc(target.largeGrid)}`;
}

export const facilityPath = (id: number | string): string => `/api/lifecircles/facilities/${enc(String(id))}`;

/**
 * The building tiles coloured by walking distance to the nearest facility of `cls`; `version` (a cache buster, bumped
 * after a facility is placed or deleted) makes every tile be asked for again. The token goes on by transformRequest.
 */
export function lifeCircleTilesUrl(origin: string, cls: string, version?: number | string): string {
  const base = `${origin}/tiles/lifecircle/{z}/{x}/{y}.pbf?class=${enc(cls)}`;
  return version === undefined ? base : `${base}&v=${enc(String(version))}`;
}

/** The POST body: a trimmed name, coordinates rounded as everywhere else. */
export function newFacilityBody(cls: string, name: string, lon: number, lat: number): NewFacility {
  return { class: cls, name: name.trim(), lon: Number(coord(lon)), lat: Number(coord(lat)) };
}

export function createLifeCircleApi(http: Http): LifeCircleApi {
  const r = http.request.bind(http);
  return {
    classes: () => r('GET', '/api/lifecircles/classes'),
    isochrone: (lon, lat, minutes) => r('GET', isochronePath(lon, lat, minutes)),
    facilities: (cls) => r('GET', facilitiesPath(cls)),
    communities: () => r('GET', '/api/lifecircles/communities'),
    coverage: (target) => r('GET', coveragePath(target)),
    communityGrids: () => r('GET', '/api/grids?level=community'),
    addFacility: (body) => r('POST', '/api/lifecircles/facilities', body),
    deleteFacility: (id) => r('DELETE', facilityPath(id)),
  };
}
