import type { LineString, Polygon, Position } from 'geojson';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { TerraDraw, TerraDrawLineStringMode, TerraDrawPolygonMode, TerraDrawSelectMode, type HexColor } from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { snapPosition } from './snapping';

/**
 * terra-draw on the MapLibre map, one session per tool use: an outline to reshape (vertices dragged, snapped to the
 * neighbours' vertices and edges), or a line to draw for a split. Each session is stopped (its layers removed) when
 * the tool is left. The neighbours are not in terra-draw's store: they are snapped to through `toCustom`.
 */

/** terra-draw refuses coordinates finer than its precision. */
const PRECISION = 9;
const fix = (p: Position): Position => [Number(p[0]!.toFixed(PRECISION)), Number(p[1]!.toFixed(PRECISION))];

const EDIT_COLOR = '#1d4ed8' as HexColor;
const LINE_COLOR = '#c2410c' as HexColor;

export interface DrawSession {
  stop(): void;
}

export interface OutlineSession extends DrawSession {
  /** The outer ring as it is now (closed), or null if the outline was lost. */
  ring(): Position[] | null;
  /** Whether a vertex was moved, added or deleted since the start. */
  readonly changed: boolean;
}

function adapter(map: MapLibreMap): TerraDrawMapLibreGLAdapter<MapLibreMap> {
  return new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: PRECISION, prefixId: 'plan-draw' });
}

/** Makes `ring` editable: drag a vertex (snapping to `neighbourRings`), drag a midpoint to add one, right-click to delete. */
export function editOutline(map: MapLibreMap, ring: readonly Position[], neighbourRings: readonly Position[][], onChange: () => void): OutlineSession {
  const draw = new TerraDraw({
    adapter: adapter(map),
    modes: [
      new TerraDrawPolygonMode({ editable: false }),
      new TerraDrawSelectMode({
        allowManualDeselection: false,
        flags: {
          polygon: {
            feature: {
              draggable: false,
              coordinates: {
                draggable: true,
                deletable: true,
                midpoints: true,
                snappable: {
                  toCustom: (event, context) =>
                    snapPosition({ x: event.containerX, y: event.containerY }, neighbourRings as Position[][], (lng, lat) => context.project(lng, lat))?.position,
                },
              },
            },
          },
        },
        styles: {
          selectedPolygonColor: EDIT_COLOR,
          selectedPolygonFillOpacity: 0.15,
          selectedPolygonOutlineColor: EDIT_COLOR,
          selectedPolygonOutlineWidth: 3,
          selectionPointColor: '#ffffff' as HexColor,
          selectionPointOutlineColor: EDIT_COLOR,
          selectionPointWidth: 5,
          selectionPointOutlineWidth: 2,
          midPointColor: EDIT_COLOR,
          midPointOutlineColor: '#ffffff' as HexColor,
          midPointWidth: 3,
        },
      }),
    ],
  });
  draw.start();
  const [added] = draw.addFeatures([
    { type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring.map(fix)] }, properties: { mode: 'polygon' } },
  ]);
  if (!added?.valid) {
    draw.stop();
    throw new Error(added?.reason ?? 'outline refused by the editor');
  }
  const id = added.id!;
  draw.setMode('select');
  draw.selectFeature(id);
  let changed = false;
  draw.on('finish', (finished) => {
    if (finished !== id) return;
    changed = true;
    onChange();
  });
  return {
    ring() {
      const geometry = draw.getSnapshotFeature(id)?.geometry as Polygon | undefined;
      return geometry?.type === 'Polygon' ? (geometry.coordinates[0] ?? null) : null;
    },
    get changed() {
      return changed;
    },
    stop: () => draw.stop(),
  };
}

/** A line to draw: click to add points, double-click or Enter to finish; `onLine` gets it once, then drawing stops. */
export function drawLine(map: MapLibreMap, onLine: (line: LineString) => void): DrawSession {
  const draw = new TerraDraw({
    adapter: adapter(map),
    modes: [new TerraDrawLineStringMode({ styles: { lineStringColor: LINE_COLOR, lineStringWidth: 3, closingPointColor: LINE_COLOR } })],
  });
  draw.start();
  draw.setMode('linestring');
  let stopped = false;
  draw.on('finish', (id, context) => {
    if (context.action !== 'draw') return;
    const geometry = draw.getSnapshotFeature(id)?.geometry;
    if (geometry?.type === 'LineString') onLine(geometry);
  });
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      draw.stop();
    },
  };
}
