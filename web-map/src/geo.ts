import type { MultiPolygon, Polygon, Position } from 'geojson';

/** Mean Earth radius (IUGG), metres. Good to ~0.3% anywhere for a sphere model. */
export const EARTH_RADIUS_M = 6_371_008.8;

export type LonLat = [number, number];

const rad = (deg: number): number => (deg * Math.PI) / 180;
const deg = (r: number): number => (r * 180) / Math.PI;

/** Great-circle distance in metres between two [lon, lat] points. */
export function haversine(a: Position, b: Position): number {
  const [lon1, lat1] = [rad(a[0]!), rad(a[1]!)];
  const [lon2, lat2] = [rad(b[0]!), rad(b[1]!)];
  const h =
    Math.sin((lat2 - lat1) / 2) ** 2 + Math.cos(lat1) * Math.cos(lat2) * Math.sin((lon2 - lon1) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point reached from `origin` after `distanceM` metres on the initial bearing (degrees clockwise from north). */
export function destination(origin: Position, distanceM: number, bearingDeg: number): LonLat {
  const lat1 = rad(origin[1]!);
  const lon1 = rad(origin[0]!);
  const d = distanceM / EARTH_RADIUS_M;
  const brg = rad(bearingDeg);
  const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(brg));
  const lon2 =
    lon1 + Math.atan2(Math.sin(brg) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
  return [((deg(lon2) + 540) % 360) - 180, deg(lat2)];
}

/**
 * A geodesic circle of `radiusM` metres around `center` as a GeoJSON Polygon:
 * `steps` distinct vertices, closed (first = last), counter-clockwise as RFC 7946 asks.
 */
export function circlePolygon(center: Position, radiusM: number, steps = 64): Polygon {
  if (!(radiusM > 0)) throw new RangeError(`radiusM must be > 0, got ${radiusM}`);
  const n = Math.max(3, Math.floor(steps));
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) {
    // Bearings go clockwise, so walking them backwards gives a counter-clockwise ring.
    ring.push(destination(center, radiusM, 360 - (i * 360) / n));
  }
  ring.push([ring[0]![0]!, ring[0]![1]!]);
  return { type: 'Polygon', coordinates: [ring] };
}

/** Signed planar area of a ring in degree² (positive = counter-clockwise). */
export function ringSignedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!);
  }
  return sum / 2;
}

/** Even-odd point-in-ring test in lon/lat plane. */
export function pointInRing(p: Position, ring: Position[]): boolean {
  let inside = false;
  const [x, y] = [p[0]!, p[1]!];
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = [ring[i]![0]!, ring[i]![1]!];
    const [xj, yj] = [ring[j]![0]!, ring[j]![1]!];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInPolygon(p: Position, rings: Position[][]): boolean {
  if (!rings[0] || !pointInRing(p, rings[0])) return false;
  return !rings.slice(1).some((hole) => pointInRing(p, hole));
}

/** Rings of the largest part (by outer ring area) of a Polygon or MultiPolygon. */
export function largestPart(geometry: Polygon | MultiPolygon): Position[][] {
  if (geometry.type === 'Polygon') return geometry.coordinates;
  let best: Position[][] = [];
  let bestArea = -1;
  for (const part of geometry.coordinates) {
    const area = part[0] ? Math.abs(ringSignedArea(part[0])) : 0;
    if (area > bestArea) [best, bestArea] = [part, area];
  }
  return best;
}

/**
 * A point inside the polygon to hang its label on: the area centroid when it lies inside,
 * otherwise the middle of the widest inside span on the horizontal line through the centroid.
 */
export function labelPoint(geometry: Polygon | MultiPolygon): LonLat | null {
  const rings = largestPart(geometry);
  const outer = rings[0];
  if (!outer || outer.length < 4) return null;
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = outer.length - 1; i < outer.length; j = i++) {
    const [x0, y0, x1, y1] = [outer[j]![0]!, outer[j]![1]!, outer[i]![0]!, outer[i]![1]!];
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  const centroid: LonLat = a !== 0 ? [cx / (3 * a), cy / (3 * a)] : [outer[0]![0]!, outer[0]![1]!];
  if (pointInPolygon(centroid, rings)) return centroid;

  const y = centroid[1];
  const xs: number[] = [];
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi, xj, yj] = [ring[i]![0]!, ring[i]![1]!, ring[j]![0]!, ring[j]![1]!];
      if (yi > y !== yj > y) xs.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
    }
  }
  xs.sort((p, q) => p - q);
  let best: LonLat | null = null;
  let widest = -1;
  for (let k = 0; k + 1 < xs.length; k += 2) {
    const width = xs[k + 1]! - xs[k]!;
    if (width > widest) [widest, best] = [width, [(xs[k]! + xs[k + 1]!) / 2, y]];
  }
  return best ?? centroid;
}

export type BBox = [number, number, number, number];

/** [minLon, minLat, maxLon, maxLat] of a Polygon or MultiPolygon. */
export function bbox(geometry: Polygon | MultiPolygon): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const part of parts) {
    for (const [x, y] of part[0] ?? []) {
      if (x! < box[0]) box[0] = x!;
      if (y! < box[1]) box[1] = y!;
      if (x! > box[2]) box[2] = x!;
      if (y! > box[3]) box[3] = y!;
    }
  }
  return box;
}

export function bboxesTouch(a: BBox, b: BBox, epsilon = 1e-7): boolean {
  return a[0] <= b[2] + epsilon && b[0] <= a[2] + epsilon && a[1] <= b[3] + epsilon && b[1] <= a[3] + epsilon;
}
