import type { LineString, MultiPolygon, Polygon, Position } from 'geojson';
import type { GridLevel } from '../types';
import type { EditBody } from './types';

/** What a tool hands over, before the plan's version is known; `buildEdit` checks it and makes the request body. */
export type EditInput =
  | { op: 'reshape'; code: string; level?: 'unit' | 'large'; ring: Position[]; original: Polygon | MultiPolygon }
  | { op: 'split'; code: string; line: Position[]; newCode?: string }
  | { op: 'merge'; codes: string[] }
  | { op: 'assign'; codes: string[]; largeGrid: string; /** each unit grid's large grid now, to drop the ones already there */ current?: Record<string, string | null | undefined> }
  | { op: 'rename'; code: string; name: string }
  | { op: 'recode'; code: string; newCode: string }
  | { op: 'clean'; level: GridLevel; snapM: string | number; maxGapM: string | number };

/** Why an input cannot be sent; each is a string key `planner.edit.invalid.{reason}`. */
export type EditInvalid =
  | 'noGrid'
  | 'ring'
  | 'multiPart'
  | 'line'
  | 'mergeCount'
  | 'noTarget'
  | 'nothingToMove'
  | 'name'
  | 'newCode'
  | 'sameCode'
  | 'snapM'
  | 'maxGapM';

export type BuiltEdit = { ok: true; body: EditBody } | { ok: false; reason: EditInvalid };

/** Coordinates go to the server at 1e-7 degrees (about 1 cm), as the locate calls do. */
export const COORDINATE_DECIMALS = 7;
const round = (v: number): number => Number(v.toFixed(COORDINATE_DECIMALS));
const roundPosition = (p: Position): Position => [round(p[0]!), round(p[1]!)];

/** Rounds, drops repeated vertices and closes the ring; null when fewer than 3 distinct corners are left. */
export function closeRing(ring: readonly Position[]): Position[] | null {
  const out: Position[] = [];
  for (const p of ring) {
    if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) return null;
    const q = roundPosition(p);
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  while (out.length > 1 && out[0]![0] === out[out.length - 1]![0] && out[0]![1] === out[out.length - 1]![1]) out.pop();
  if (out.length < 3) return null;
  return [...out, out[0]!];
}

/** A grid's new outline: the edited outer ring with the original's holes kept. Null for a bad ring or a multi-part grid. */
export function reshapedPolygon(ring: readonly Position[], original: Polygon | MultiPolygon): Polygon | 'multiPart' | null {
  if (original.type === 'MultiPolygon' && original.coordinates.length > 1) return 'multiPart';
  const rings = original.type === 'Polygon' ? original.coordinates : (original.coordinates[0] ?? []);
  const outer = closeRing(ring);
  if (!outer) return null;
  return { type: 'Polygon', coordinates: [outer, ...rings.slice(1)] };
}

/** The outer ring of a single-part grid, for the editor; null for a multi-part one. */
export function editableRing(geometry: Polygon | MultiPolygon): Position[] | null {
  if (geometry.type === 'MultiPolygon') return geometry.coordinates.length === 1 ? (geometry.coordinates[0]![0] ?? null) : null;
  return geometry.coordinates[0] ?? null;
}

const distinct = (codes: readonly string[]): string[] => [...new Set(codes.map((c) => c.trim()).filter(Boolean))];

/** A non-negative number of metres from a form value; null when it is not one. */
export function metres(value: string | number): number | null {
  const n = typeof value === 'number' ? value : Number(String(value).trim().replace(',', '.'));
  return String(value).trim() !== '' && Number.isFinite(n) && n >= 0 ? n : null;
}

export function buildEdit(input: EditInput, baseVersion: number): BuiltEdit {
  const fail = (reason: EditInvalid): BuiltEdit => ({ ok: false, reason });
  switch (input.op) {
    case 'reshape': {
      if (!input.code) return fail('noGrid');
      const geometry = reshapedPolygon(input.ring, input.original);
      if (geometry === 'multiPart') return fail('multiPart');
      if (!geometry) return fail('ring');
      return { ok: true, body: { op: 'reshape', baseVersion, level: input.level ?? 'unit', code: input.code, geometry } };
    }
    case 'split': {
      if (!input.code) return fail('noGrid');
      const coordinates: Position[] = input.line.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])).map(roundPosition);
      if (coordinates.length < 2) return fail('line');
      const line: LineString = { type: 'LineString', coordinates };
      const newCode = input.newCode?.trim();
      return { ok: true, body: { op: 'split', baseVersion, code: input.code, line, ...(newCode ? { newCode } : {}) } };
    }
    case 'merge': {
      const codes = distinct(input.codes);
      if (codes.length < 2) return fail('mergeCount');
      return { ok: true, body: { op: 'merge', baseVersion, codes } };
    }
    case 'assign': {
      const largeGrid = input.largeGrid.trim();
      if (!largeGrid) return fail('noTarget');
      const codes = distinct(input.codes).filter((c) => input.current?.[c] !== largeGrid);
      if (!codes.length) return fail('nothingToMove');
      return { ok: true, body: { op: 'assign', baseVersion, codes, largeGrid } };
    }
    case 'rename': {
      const name = input.name.trim();
      if (!input.code) return fail('noGrid');
      if (!name) return fail('name');
      return { ok: true, body: { op: 'rename', baseVersion, code: input.code, name } };
    }
    case 'recode': {
      const newCode = input.newCode.trim();
      if (!input.code) return fail('noGrid');
      if (!newCode) return fail('newCode');
      if (newCode === input.code) return fail('sameCode');
      return { ok: true, body: { op: 'recode', baseVersion, code: input.code, newCode } };
    }
    case 'clean': {
      const snapM = metres(input.snapM);
      if (snapM === null) return fail('snapM');
      const maxGapM = metres(input.maxGapM);
      if (maxGapM === null) return fail('maxGapM');
      return { ok: true, body: { op: 'clean', baseVersion, level: input.level, snapM, maxGapM } };
    }
  }
}
