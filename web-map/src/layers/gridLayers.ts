import type { LayerSpecification } from 'maplibre-gl';
import { COLORS, halo, SOURCES, zoomInterp } from '../theme';

/** The grid and post layers (GeoJSON sources), bottom to top, with the background first. */
export function gridLayers(): LayerSpecification[] {
  return [
    { id: 'background', type: 'background', paint: { 'background-color': COLORS.background } },
    {
      id: 'large-grid-fill',
      type: 'fill',
      source: SOURCES.largeGrids,
      paint: {
        'fill-color': ['coalesce', ['get', 'color'], '#888888'],
        'fill-opacity': zoomInterp([[10, 0.38], [14, 0.24], [17, 0.1]], 1),
      },
    },
    {
      id: 'unit-grid-line',
      type: 'line',
      source: SOURCES.unitGrids,
      minzoom: 13,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': COLORS.unitGridLine,
        'line-width': zoomInterp([[13, 0.5], [16, 1], [18, 1.6]]),
        'line-opacity': zoomInterp([[13, 0.35], [15, 0.75]], 1),
        'line-dasharray': [3, 2],
      },
    },
    {
      id: 'large-grid-line',
      type: 'line',
      source: SOURCES.largeGrids,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': COLORS.largeGridLine,
        'line-width': zoomInterp([[10, 1.5], [14, 2.6], [18, 4.5]]),
        'line-opacity': 0.85,
      },
    },
    {
      id: 'post-radius',
      type: 'fill',
      source: SOURCES.postRadius,
      paint: { 'fill-color': COLORS.post, 'fill-opacity': 0.08 },
    },
    {
      id: 'post-radius-line',
      type: 'line',
      source: SOURCES.postRadius,
      paint: { 'line-color': COLORS.post, 'line-width': 1, 'line-opacity': 0.55, 'line-dasharray': [2, 2] },
    },
    {
      id: 'post-point',
      type: 'circle',
      source: SOURCES.posts,
      paint: {
        'circle-color': COLORS.post,
        'circle-radius': zoomInterp([[10, 3], [14, 5], [18, 8]], 1),
        'circle-stroke-color': COLORS.halo,
        'circle-stroke-width': 1.5,
      },
    },
    {
      id: 'unit-grid-label',
      type: 'symbol',
      source: SOURCES.unitGridLabels,
      minzoom: 16,
      layout: { 'text-field': ['get', 'short'], 'text-size': 11, 'text-allow-overlap': false },
      paint: { 'text-color': COLORS.unitGridLabel, ...halo },
    },
    {
      id: 'post-label',
      type: 'symbol',
      source: SOURCES.posts,
      minzoom: 14,
      layout: {
        'text-field': ['get', 'name'],
        'text-size': 12,
        'text-anchor': 'top',
        'text-offset': [0, 0.9],
        'text-max-width': 8,
      },
      paint: { 'text-color': COLORS.postLabel, ...halo },
    },
    {
      id: 'large-grid-label',
      type: 'symbol',
      source: SOURCES.largeGridLabels,
      layout: {
        'text-field': ['get', 'name'],
        'text-size': zoomInterp([[11, 12], [15, 17]], 1),
        'text-max-width': 8,
        'text-padding': 4,
      },
      paint: { 'text-color': COLORS.largeGridLabel, ...halo, 'text-halo-width': 2 },
    },
  ];
}
