import type { LayerSpecification } from 'maplibre-gl';
import { COLORS, SOURCES } from '../theme';

/** Community work stations (GET /api/stations, anonymous): a teal square-ish point with the station's name from z13. */
export const STATION_POINT_LAYER = 'stations-point';
export const STATION_LABEL_LAYER = 'stations-label';
export const STATION_LAYER_IDS = [STATION_POINT_LAYER, STATION_LABEL_LAYER] as const;
/** Drawn under the large grids' labels (which stay on top of the grid layers). */
export const STATION_LAYERS_BEFORE = 'large-grid-label';

export function stationLayers(): LayerSpecification[] {
  return [
    {
      id: STATION_POINT_LAYER,
      type: 'circle',
      source: SOURCES.stations,
      paint: {
        'circle-color': COLORS.station,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 4, 15, 8],
        'circle-stroke-color': COLORS.halo,
        'circle-stroke-width': 2,
      },
    },
    {
      id: STATION_LABEL_LAYER,
      type: 'symbol',
      source: SOURCES.stations,
      minzoom: 13,
      layout: { 'text-field': ['get', 'name'], 'text-size': 12, 'text-offset': [0, 1.1], 'text-anchor': 'top' },
      paint: { 'text-color': COLORS.station, 'text-halo-color': COLORS.halo, 'text-halo-width': 1.5 },
    },
  ];
}
