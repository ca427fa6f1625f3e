import type { LayerSpecification, VectorSourceSpecification } from 'maplibre-gl';
import { byClass, COLORS, halo, SOURCES, zoomInterp } from '../theme';
import { streetlightLayers } from './streetlights';

/** Authenticated vector tile sources, added after login. `origin` makes the URLs absolute for the workers. */
export function basemapSources(origin: string): Record<string, VectorSourceSpecification> {
  const tiles = (name: string): VectorSourceSpecification => ({
    type: 'vector',
    tiles: [`${origin}/tiles/${name}/{z}/{x}/{y}.pbf`],
    minzoom: 10,
    maxzoom: 16,
  });
  return {
    [SOURCES.roads]: tiles('roads'),
    [SOURCES.buildings]: tiles('buildings'),
    [SOURCES.streetlights]: tiles('streetlights'),
  };
}

export interface PositionedLayer {
  layer: LayerSpecification;
  /** Existing layer id it is inserted below. */
  before: string;
}

const roadLine = (cls: 'trunk' | 'main' | 'secondary' | 'alley', color: string, minzoom: number, widths: Array<[number, number]>): PositionedLayer => ({
  before: 'large-grid-fill',
  layer: {
    id: `roads-${cls}`,
    type: 'line',
    source: SOURCES.roads,
    'source-layer': 'roads',
    minzoom,
    filter: ['==', ['get', 'class'], cls],
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: { 'line-color': color, 'line-width': zoomInterp(widths) },
  },
});

/** Roads, buildings, streetlights (see ./streetlights), each with the grid layer it goes under. */
export function basemapLayers(): PositionedLayer[] {
  return [
    {
      before: 'large-grid-fill',
      layer: {
        id: 'buildings',
        type: 'fill',
        source: SOURCES.buildings,
        'source-layer': 'buildings',
        minzoom: 13,
        paint: {
          'fill-color': ['match', ['get', 'kind'], 'facility', COLORS.facility, COLORS.residential],
          'fill-outline-color': ['match', ['get', 'kind'], 'facility', COLORS.facilityOutline, COLORS.residentialOutline],
          'fill-opacity': zoomInterp([[13, 0.5], [15, 1]], 1),
        },
      },
    },
    {
      before: 'large-grid-fill',
      layer: {
        id: 'roads-casing',
        type: 'line',
        source: SOURCES.roads,
        'source-layer': 'roads',
        minzoom: 12,
        filter: ['!=', ['get', 'class'], 'alley'],
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: {
          'line-color': ['match', ['get', 'class'], 'trunk', COLORS.roadTrunkCasing, 'main', COLORS.roadMainCasing, COLORS.roadSecondaryCasing],
          'line-width': zoomInterp([
            [12, byClass(3.2, 2.4, 1.6, 0)],
            [16, byClass(12, 9, 6, 0)],
            [18, byClass(25, 19, 13, 0)],
          ]),
        },
      },
    },
    roadLine('alley', COLORS.roadAlley, 14, [[14, 0.6], [16, 2.5], [18, 6]]),
    roadLine('secondary', COLORS.roadSecondary, 11, [[11, 0.5], [13, 1.2], [16, 4.5], [18, 11]]),
    roadLine('main', COLORS.roadMain, 10, [[10, 0.8], [13, 2], [16, 7], [18, 16]]),
    roadLine('trunk', COLORS.roadTrunk, 10, [[10, 1.2], [13, 3], [16, 10], [18, 22]]),
    // Faulted circuits, lamps and cabinets: above the grids, below the posts and every label.
    ...streetlightLayers().map((layer) => ({ before: 'post-point', layer })),
    {
      before: 'unit-grid-label',
      layer: {
        id: 'roads-label',
        type: 'symbol',
        source: SOURCES.roads,
        'source-layer': 'roads',
        minzoom: 15,
        filter: ['has', 'name'],
        layout: {
          'symbol-placement': 'line',
          'text-field': ['get', 'name'],
          'text-size': 11,
          'text-max-angle': 30,
          'symbol-spacing': 300,
        },
        paint: { 'text-color': COLORS.roadLabel, ...halo },
      },
    },
  ];
}
