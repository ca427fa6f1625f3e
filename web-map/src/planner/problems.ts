import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { PROBLEM_KINDS, type Problem } from './types';

/** The validation problems, pure: the list in a stable order, their map features and where to fly for each. */

export interface ProblemItem {
  /** Position in the list; the map feature of this problem carries the same `idx`. */
  idx: number;
  kind: string;
  level: string;
  codes: string[];
  detail: string;
  hasGeometry: boolean;
}

const kindRank = (kind: string): number => {
  const i = (PROBLEM_KINDS as readonly string[]).indexOf(kind);
  return i < 0 ? PROBLEM_KINDS.length : i;
};

/** The problems in kind order (gaps first), then by first code; each numbered for the map. */
export function problemItems(problems: readonly Problem[]): Array<ProblemItem & { problem: Problem }> {
  return [...problems]
    .map((p) => ({ p, first: [...(p.codes ?? [])].sort()[0] ?? '' }))
    .sort((a, b) => kindRank(a.p.kind) - kindRank(b.p.kind) || (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))
    .map(({ p }, idx) => ({
      idx,
      kind: p.kind,
      level: p.level ?? '',
      codes: [...(p.codes ?? [])],
      detail: p.detail?.trim() ?? '',
      hasGeometry: !!p.geometry && !!geometryBounds(p.geometry),
      problem: p,
    }));
}

/** How many problems of each kind, kinds in list order. */
export function problemCounts(problems: readonly Problem[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(p.kind, (counts.get(p.kind) ?? 0) + 1);
  return [...counts].sort((a, b) => kindRank(a[0]) - kindRank(b[0]) || (a[0] < b[0] ? -1 : 1));
}

/** One feature per problem that has a geometry, with `idx` and `kind`, for the red layer. */
export function problemFeatures(items: ReadonlyArray<ProblemItem & { problem: Problem }>): FeatureCollection {
  const features: Feature[] = [];
  for (const item of items) {
    const geometry = item.problem.geometry;
    if (!geometry || !item.hasGeometry) continue;
    features.push({ type: 'Feature', id: item.idx, geometry, properties: { idx: item.idx, kind: item.kind } });
  }
  return { type: 'FeatureCollection', features };
}

export type Bounds = [[number, number], [number, number]];

function visit(geometry: Geometry, each: (p: Position) => void): void {
  switch (geometry.type) {
    case 'Point':
      each(geometry.coordinates);
      break;
    case 'MultiPoint':
    case 'LineString':
      geometry.coordinates.forEach(each);
      break;
    case 'MultiLineString':
    case 'Polygon':
      geometry.coordinates.forEach((line) => line.forEach(each));
      break;
    case 'MultiPolygon':
      geometry.coordinates.forEach((poly) => poly.forEach((ring) => ring.forEach(each)));
      break;
    case 'GeometryCollection':
      geometry.geometries.forEach((g) => visit(g, each));
      break;
  }
}

/** [[west, south], [east, north]] of any geometry; null for an empty one. */
export function geometryBounds(geometry: Geometry | null | undefined): Bounds | null {
  if (!geometry) return null;
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  visit(geometry, (p) => {
    const [x, y] = p;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return;
    w = Math.min(w, x!);
    s = Math.min(s, y!);
    e = Math.max(e, x!);
    n = Math.max(n, y!);
  });
  return w <= e && s <= n ? [[w, s], [e, n]] : null;
}

/**
 * Bounds grown so a problem is shown with its surroundings (the grids on either side of a gap): `grow` times as
 * large, and at least `minDeg` across for a tiny one (a point, a 2 m sliver).
 */
export function padBounds(bounds: Bounds, minDeg = 0.0015, grow = 2): Bounds {
  const [[w, s], [e, n]] = bounds;
  const cx = (w + e) / 2;
  const cy = (s + n) / 2;
  const hw = Math.max(((e - w) / 2) * grow, minDeg / 2);
  const hh = Math.max(((n - s) / 2) * grow, minDeg / 2);
  return [[cx - hw, cy - hh], [cx + hw, cy + hh]];
}
