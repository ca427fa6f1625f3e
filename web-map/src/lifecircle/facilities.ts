import type { ExpressionSpecification, FilterSpecification } from 'maplibre-gl';
import type { Lang } from '../i18n';
import { BAND_COLORS, BAND_FALLBACK_COLOR } from './bands';
import { className } from './coverage';
import type { FacilityClass, FacilityCollection, FacilityProperties } from './types';

/**
 * Facilities on the map, pure: a circle in the colour of its level (the same colour as that level's isochrone band),
 * one character for its class inside (drawn locally like every label: no sprite, no glyph server), its name beside
 * at street zoom, shown per level.
 */

export const LEVELS = [5, 10, 15] as const;

export interface FacilityFeatureProperties extends FacilityProperties {
  /** One character: the class's first in Chinese, its initial in English. */
  short: string;
  className: string;
}

export function shortLabel(cls: string, classes: ReadonlyMap<string, FacilityClass>, lang: Lang): string {
  const name = className(cls, classes, lang);
  const first = [...name.trim()][0] ?? '?';
  return lang === 'en' ? first.toUpperCase() : first;
}

/** The facilities with their class's name and short label in `lang`; features without a point are left out. */
export function facilityFeatures(fc: FacilityCollection | null, classes: ReadonlyMap<string, FacilityClass>, lang: Lang): GeoJSON.FeatureCollection<GeoJSON.Point, FacilityFeatureProperties> {
  const features = (fc?.features ?? [])
    .filter((f) => f.geometry?.type === 'Point')
    .map((f) => ({
      type: 'Feature' as const,
      geometry: f.geometry,
      properties: {
        ...f.properties,
        level: Number(f.properties.level),
        short: shortLabel(f.properties.class, classes, lang),
        className: className(f.properties.class, classes, lang),
      },
    }));
  return { type: 'FeatureCollection', features };
}

export function levelColorExpression(): ExpressionSpecification {
  return ['match', ['to-number', ['get', 'level']], 5, BAND_COLORS[5]!, 10, BAND_COLORS[10]!, 15, BAND_COLORS[15]!, BAND_FALLBACK_COLOR] as ExpressionSpecification;
}

/** Only the levels ticked; none ticked shows none. */
export function levelFilter(levels: readonly number[]): FilterSpecification {
  return ['in', ['to-number', ['get', 'level']], ['literal', [...levels]]] as FilterSpecification;
}

/** Facilities per level, for the level switches. */
export function countByLevel(fc: FacilityCollection | null): Record<number, number> {
  const out: Record<number, number> = { 5: 0, 10: 0, 15: 0 };
  for (const f of fc?.features ?? []) {
    const level = Number(f.properties?.level);
    out[level] = (out[level] ?? 0) + 1;
  }
  return out;
}
