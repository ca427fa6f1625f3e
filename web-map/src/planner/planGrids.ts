import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { assignGridColors } from '../colors';
import { bbox, bboxesTouch, labelPoint } from '../geo';
import { shortCode } from '../layers/grids';
import type { PlanGridCollection, PlanGridProperties } from './plannerApi';

/** A plan's grids made ready for the planner's layers, pure: colours by large grid (so by team), label points. */

export const NO_LARGE_GRID_COLOR = '#9aa3b5';

export interface PlanGridData {
  large: PlanGridCollection;
  largeLabels: FeatureCollection<Point>;
  unit: PlanGridCollection;
  unitLabels: FeatureCollection<Point>;
  /** Large grid code → its fill colour. */
  colors: Map<string, string>;
}

type GridFeature = Feature<Polygon | MultiPolygon, PlanGridProperties>;

const polygonal = (f: GridFeature): boolean => !!f.geometry && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon');
const fc = <G extends Polygon | MultiPolygon | Point, P>(features: Array<Feature<G, P>>): FeatureCollection<G, P> => ({ type: 'FeatureCollection', features });

function labels(features: GridFeature[], props: (p: PlanGridProperties) => Record<string, string>): FeatureCollection<Point> {
  const out: Array<Feature<Point>> = [];
  for (const f of features) {
    const at = labelPoint(f.geometry);
    if (at) out.push({ type: 'Feature', geometry: { type: 'Point', coordinates: at }, properties: props(f.properties) });
  }
  return fc(out);
}

/**
 * Large grids get a palette colour each (neighbours differ); a unit grid takes its large grid's colour (`parentCode`),
 * so moving it to another large grid repaints it. Feature ids are the codes' positions, stable for one load.
 */
export function preparePlanGrids(large: PlanGridCollection, unit: PlanGridCollection): PlanGridData {
  const largeFeatures = (large.features ?? []).filter(polygonal);
  const unitFeatures = (unit.features ?? []).filter(polygonal);
  const colors = assignGridColors(largeFeatures.map((f) => ({ code: String(f.properties.code), geometry: f.geometry })));
  const colorOf = (code: string | null | undefined): string => (code && colors.get(code)) || NO_LARGE_GRID_COLOR;
  return {
    large: fc(largeFeatures.map((f) => ({ ...f, properties: { ...f.properties, color: colorOf(f.properties.code) } }))) as PlanGridCollection,
    largeLabels: labels(largeFeatures, (p) => ({ code: p.code, name: p.name || p.code, team: p.teamName ?? '' })),
    unit: fc(unitFeatures.map((f, i) => ({ ...f, id: i, properties: { ...f.properties, color: colorOf(f.properties.parentCode) } }))) as PlanGridCollection,
    unitLabels: labels(unitFeatures, (p) => ({ code: p.code, short: shortCode(String(p.code)) })),
    colors,
  };
}

/** Unit grids drawn as if already moved to `target` (the paint tool's pending picks). */
export function paintPreview(unit: PlanGridCollection, codes: ReadonlySet<string>, color: string): PlanGridCollection {
  return fc(unit.features.filter((f) => codes.has(f.properties.code)).map((f) => ({ ...f, properties: { ...f.properties, color } }))) as PlanGridCollection;
}

/** The unit grids whose bounding box touches that of `code` (a superset of those sharing an edge), without it. */
export function neighboursOf(code: string, unit: PlanGridCollection, marginDeg = 0.0002): GridFeature[] {
  const self = unit.features.find((f) => f.properties.code === code);
  if (!self) return [];
  const [w, s, e, n] = bbox(self.geometry);
  const box: [number, number, number, number] = [w - marginDeg, s - marginDeg, e + marginDeg, n + marginDeg];
  return unit.features.filter((f) => f.properties.code !== code && bboxesTouch(box, bbox(f.geometry)));
}

/** Every ring (outer and holes) of the grids, for snapping. */
export function ringsOf(features: readonly GridFeature[]): Position[][] {
  const rings: Position[][] = [];
  for (const f of features) {
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const poly of polys) rings.push(...poly);
  }
  return rings;
}

export function findGrid(collection: PlanGridCollection | null | undefined, code: string): GridFeature | undefined {
  return collection?.features.find((f) => f.properties.code === code);
}
