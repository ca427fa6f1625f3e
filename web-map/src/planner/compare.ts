import type { Feature, FeatureCollection } from 'geojson';
import type { CompareResult } from './types';

/** The compare view, pure: the overlay features (one colour per change) and the list of cases changing team. */

export type GridChange = 'added' | 'removed' | 'reshaped';
export const GRID_CHANGES: readonly GridChange[] = ['added', 'removed', 'reshaped'];

export function compareFeatures(result: CompareResult): FeatureCollection {
  const features: Feature[] = [];
  const push = (change: GridChange, code: string, level: string, name: string | null | undefined, geometry: Feature['geometry'] | null | undefined, areaMovedM2?: number) => {
    if (!geometry) return;
    features.push({ type: 'Feature', geometry, properties: { change, code, level, name: name ?? '', ...(areaMovedM2 !== undefined ? { areaMovedM2 } : {}) } });
  };
  for (const g of result.added ?? []) push('added', g.code, String(g.level), g.name, g.geometry);
  for (const g of result.removed ?? []) push('removed', g.code, String(g.level), g.name, g.geometry);
  for (const g of result.reshaped ?? []) push('reshaped', g.code, String(g.level), g.name, g.geometry, g.areaMovedM2 ?? undefined);
  return { type: 'FeatureCollection', features };
}

export interface CompareSummary {
  added: number;
  removed: number;
  reshaped: number;
  moving: number;
  buildings: number;
  renamed: number;
  /** Area that changes hands, in m² (reshaped grids). */
  areaMovedM2: number;
}

export function compareSummary(result: CompareResult): CompareSummary {
  return {
    added: result.added?.length ?? 0,
    removed: result.removed?.length ?? 0,
    reshaped: result.reshaped?.length ?? 0,
    moving: result.openIncidentsMoving?.length ?? 0,
    buildings: result.buildingsChangingTeam ?? 0,
    areaMovedM2: (result.reshaped ?? []).reduce((sum, g) => sum + (typeof g.areaMovedM2 === 'number' && Number.isFinite(g.areaMovedM2) ? g.areaMovedM2 : 0), 0),
    renamed: result.renamed?.length ?? 0,
  };
}

export interface MovingRow {
  incidentId: number;
  from: string;
  to: string;
  grids: string;
}

/** A case changing team: team names where known (ids otherwise), and the unit grid it goes from / to. */
export function movingRows(result: CompareResult, teamName: (id: number | string) => string | undefined): MovingRow[] {
  const team = (id: number | string | null | undefined): string => (id === null || id === undefined || id === '' ? '—' : (teamName(id) ?? `#${id}`));
  return [...(result.openIncidentsMoving ?? [])]
    .sort((a, b) => a.incidentId - b.incidentId)
    .map((m) => ({
      incidentId: m.incidentId,
      from: team(m.fromTeamId),
      to: team(m.toTeamId),
      grids: m.fromUnitGrid && m.toUnitGrid && m.fromUnitGrid !== m.toUnitGrid ? `${m.fromUnitGrid} → ${m.toUnitGrid}` : (m.toUnitGrid ?? m.fromUnitGrid ?? '—'),
    }));
}

/** m² as m² below a hectare, km² with 3 decimals above. */
export function formatArea(m2: number): string {
  if (!Number.isFinite(m2)) return '—';
  if (Math.abs(m2) < 10_000) return `${Math.round(m2)} m²`;
  return `${(m2 / 1e6).toFixed(3)} km²`;
}
