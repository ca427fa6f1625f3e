import type { MultiPolygon, Polygon } from 'geojson';
import { bbox, bboxesTouch, type BBox } from './geo';

/** Distinguishable fill colours for large grids (drawn translucent). No reds or pinks: red is for posts and faults. */
export const GRID_PALETTE: readonly string[] = [
  '#4e79a7', // blue
  '#f28e2b', // orange
  '#59a14f', // green
  '#76b7b2', // teal
  '#edc948', // yellow
  '#b07aa1', // purple
  '#9c755f', // brown
  '#8cd17d', // light green
  '#6baed6', // sky
  '#bcbd22', // olive
  '#8da0cb', // slate blue
  '#e5c494', // sand
];

/** FNV-1a 32-bit hash of a string: stable across runs and browsers. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The palette colour a code gets when nothing else constrains it. */
export function colorForCode(code: string, palette: readonly string[] = GRID_PALETTE): string {
  return palette[hashString(code) % palette.length]!;
}

export interface ColorableGrid {
  code: string;
  geometry: Polygon | MultiPolygon;
}

/**
 * Assigns each grid a palette colour, deterministic for the same set of grids:
 * grids are visited in code order; each takes its hash colour unless a neighbour
 * (bounding boxes touching, a superset of sharing a border) already has it, in which
 * case the next free palette entry is used. With no free entry it falls back to the hash colour.
 */
export function assignGridColors(
  grids: readonly ColorableGrid[],
  palette: readonly string[] = GRID_PALETTE,
): Map<string, string> {
  const sorted = [...grids].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const boxes = new Map<string, BBox>(sorted.map((g) => [g.code, bbox(g.geometry)]));
  const colors = new Map<string, string>();
  for (const grid of sorted) {
    if (colors.has(grid.code)) continue;
    const box = boxes.get(grid.code)!;
    const taken = new Set<string>();
    for (const [code, color] of colors) {
      if (bboxesTouch(box, boxes.get(code)!)) taken.add(color);
    }
    const start = hashString(grid.code) % palette.length;
    let chosen = palette[start]!;
    for (let k = 0; k < palette.length; k++) {
      const candidate = palette[(start + k) % palette.length]!;
      if (!taken.has(candidate)) {
        chosen = candidate;
        break;
      }
    }
    colors.set(grid.code, chosen);
  }
  return colors;
}
