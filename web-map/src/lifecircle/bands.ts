import type { Feature, FeatureCollection, MultiLineString, Position } from 'geojson';
import type { ExpressionSpecification } from 'maplibre-gl';
import type { BandProperties, IsochroneCollection } from './types';

/** The isochrone bands, pure: one distinct colour per band, the legend, the features in drawing order. */

export const BAND_COLORS: Readonly<Record<number, string>> = { 5: '#c2185b', 10: '#1565c0', 15: '#00897b' };
export const BAND_FALLBACK_COLOR = '#6d4c41';

export const bandColor = (minutes: number): string => BAND_COLORS[minutes] ?? BAND_FALLBACK_COLOR;

/** `fill-color` / `line-color` by the band's `minutes`. */
export function bandColorExpression(): ExpressionSpecification {
  const stops = Object.entries(BAND_COLORS).flatMap(([m, c]) => [Number(m), c]);
  return ['match', ['to-number', ['get', 'minutes']], ...stops, BAND_FALLBACK_COLOR] as unknown as ExpressionSpecification;
}

/** `fill-sort-key`: the 15-minute band underneath, the 5-minute band on top. */
export const bandSortKey = (): ExpressionSpecification => ['-', 0, ['to-number', ['get', 'minutes']]] as ExpressionSpecification;

export interface BandLegendItem {
  minutes: number;
  metres: number;
  color: string;
}

/** One legend line per band the server drew, shortest walk first. */
export function bandLegend(fc: IsochroneCollection | null | undefined): BandLegendItem[] {
  const seen = new Map<number, BandLegendItem>();
  for (const f of fc?.features ?? []) {
    const minutes = Number(f.properties?.minutes);
    if (!Number.isFinite(minutes) || seen.has(minutes)) continue;
    seen.set(minutes, { minutes, metres: Number(f.properties?.metres), color: bandColor(minutes) });
  }
  return [...seen.values()].sort((a, b) => a.minutes - b.minutes);
}

/** The bands with a polygon, outermost first (the order they are handed to the source). */
export function bandsForMap(fc: IsochroneCollection): IsochroneCollection {
  const features = fc.features
    .filter((f) => f.geometry && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon'))
    .sort((a, b) => Number(b.properties?.minutes) - Number(a.properties?.minutes));
  return { type: 'FeatureCollection', features };
}

/**
 * The outer edge of every band as lines: the bands' holes (blocks farther from every reached road than a walker
 * strays) stay unfilled, but only the outer edges are outlined, so the map is not ringed around every block.
 */
export function bandOutlines(fc: IsochroneCollection | null): FeatureCollection<MultiLineString, BandProperties> {
  const features: Array<Feature<MultiLineString, BandProperties>> = [];
  for (const f of fc?.features ?? []) {
    const g = f.geometry;
    const polygons = g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : [];
    const rings = polygons.map((p) => p[0]).filter((r): r is Position[] => !!r && r.length >= 4);
    if (rings.length) features.push({ type: 'Feature', geometry: { type: 'MultiLineString', coordinates: rings }, properties: { ...f.properties } });
  }
  return { type: 'FeatureCollection', features };
}

/** `300 m`, `1,000 m`; '—' for no number. */
export function formatMetres(m: number | null | undefined): string {
  if (typeof m !== 'number' || !Number.isFinite(m)) return '—';
  return `${String(Math.round(m)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} m`;
}
