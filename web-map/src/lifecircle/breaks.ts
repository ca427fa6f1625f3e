import type { ExpressionSpecification } from 'maplibre-gl';

/**
 * Buildings coloured by the walking distance to the nearest facility of a class, in fixed classes that read the same
 * every time (GB 50180's 300 / 500 / 1000 m of the 5-, 10- and 15-minute circles), never a stretched heat scale.
 */

export const DISTANCE_CLASSES = ['le300', 'le500', 'le1000', 'beyond', 'unreachable'] as const;
export type DistanceClass = (typeof DISTANCE_CLASSES)[number];

/** Upper bounds (inclusive) of the first three classes, metres. */
export const DISTANCE_BREAKS = { le300: 300, le500: 500, le1000: 1000 } as const;

export const DISTANCE_COLORS: Readonly<Record<DistanceClass, string>> = {
  le300: '#1a9641',
  le500: '#a6d96a',
  le1000: '#fdae61',
  beyond: '#d7191c',
  unreachable: '#5f5f5f',
};

/** The class of a building `metres` away; no number (absent in the tile) is unreachable. */
export function distanceClass(metres: number | null | undefined): DistanceClass {
  if (typeof metres !== 'number' || !Number.isFinite(metres)) return 'unreachable';
  if (metres <= DISTANCE_BREAKS.le300) return 'le300';
  if (metres <= DISTANCE_BREAKS.le500) return 'le500';
  if (metres <= DISTANCE_BREAKS.le1000) return 'le1000';
  return 'beyond';
}

/** The same classes as a `fill-color` expression over the tile's `metres` property. */
export function distanceColorExpression(): ExpressionSpecification {
  const m: ExpressionSpecification = ['to-number', ['get', 'metres']];
  return [
    'case',
    ['!=', ['typeof', ['get', 'metres']], 'number'],
    DISTANCE_COLORS.unreachable,
    ['<=', m, DISTANCE_BREAKS.le300],
    DISTANCE_COLORS.le300,
    ['<=', m, DISTANCE_BREAKS.le500],
    DISTANCE_COLORS.le500,
    ['<=', m, DISTANCE_BREAKS.le1000],
    DISTANCE_COLORS.le1000,
    DISTANCE_COLORS.beyond,
  ] as ExpressionSpecification;
}
