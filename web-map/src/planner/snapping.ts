import type { Position } from 'geojson';

/**
 * Snapping a dragged vertex to the neighbours' outlines, pure: to a neighbour's vertex first (so shared corners
 * coincide exactly), else to the nearest point on a neighbour's edge; both within a distance in screen pixels.
 * Hand-traced neighbours rarely share vertices, and the gaps they leave are what validation reports.
 */

export interface ScreenPoint {
  x: number;
  y: number;
}
export type Project = (lng: number, lat: number) => ScreenPoint;

export const SNAP_VERTEX_PX = 12;
export const SNAP_EDGE_PX = 9;

export interface SnapResult {
  position: Position;
  to: 'vertex' | 'edge';
  distancePx: number;
}

const dist = (a: ScreenPoint, b: ScreenPoint): number => Math.hypot(a.x - b.x, a.y - b.y);

export function snapPosition(
  pointer: ScreenPoint,
  rings: readonly Position[][],
  project: Project,
  vertexPx = SNAP_VERTEX_PX,
  edgePx = SNAP_EDGE_PX,
): SnapResult | null {
  let bestVertex: SnapResult | null = null;
  let bestEdge: SnapResult | null = null;
  for (const ring of rings) {
    let prev: { p: Position; s: ScreenPoint } | null = null;
    for (const p of ring) {
      const s = project(p[0]!, p[1]!);
      const d = dist(pointer, s);
      if (d <= vertexPx && (!bestVertex || d < bestVertex.distancePx)) bestVertex = { position: [p[0]!, p[1]!], to: 'vertex', distancePx: d };
      if (prev) {
        const hit = closestOnSegment(pointer, prev.s, s);
        const de = dist(pointer, hit.at);
        if (de <= edgePx && (!bestEdge || de < bestEdge.distancePx)) {
          const a = prev.p;
          // Mercator is close enough to linear along one short edge: the same fraction in degrees.
          bestEdge = { position: [a[0]! + (p[0]! - a[0]!) * hit.t, a[1]! + (p[1]! - a[1]!) * hit.t], to: 'edge', distancePx: de };
        }
      }
      prev = { p, s };
    }
  }
  return bestVertex ?? bestEdge;
}

/** The point of segment ab closest to p, and its fraction t along ab (0..1). */
export function closestOnSegment(p: ScreenPoint, a: ScreenPoint, b: ScreenPoint): { at: ScreenPoint; t: number } {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2));
  return { at: { x: a.x + dx * t, y: a.y + dy * t }, t };
}
