import type { Feature, FeatureCollection, Geometry, Point, Polygon } from 'geojson';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { assignGridColors } from '../colors';
import { circlePolygon, labelPoint } from '../geo';
import { SOURCES } from '../theme';
import type { GridCollection, GridProperties, PostCollection, PostProperties } from '../types';

/** Everything the grid layers draw, ready to hand to the GeoJSON sources. */
export interface GridLayerData {
  largeGrids: GridCollection;
  largeGridLabels: FeatureCollection<Point>;
  unitGrids: GridCollection;
  unitGridLabels: FeatureCollection<Point>;
  posts: PostCollection;
  postRadius: FeatureCollection<Polygon>;
}

export interface GridCounts {
  largeGrids: number;
  unitGrids: number;
  posts: number;
}

const collection = <G extends Geometry, P>(features: Feature<G, P>[]): FeatureCollection<G, P> => ({
  type: 'FeatureCollection',
  features,
});

/** The short code shown on unit grid labels: the last `digits` characters. */
export function shortCode(code: string, digits = 3): string {
  return code.length > digits ? code.slice(-digits) : code;
}

const polygonal = (f: GridCollection['features'][number]): boolean =>
  !!f.geometry && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon');

/** Large grids with a `color` property each, plus one label point per grid. */
export function prepareLargeGrids(fc: GridCollection): Pick<GridLayerData, 'largeGrids' | 'largeGridLabels'> {
  const features = (fc.features ?? []).filter(polygonal);
  const colors = assignGridColors(features.map((f) => ({ code: String(f.properties.code), geometry: f.geometry })));
  const largeGrids = collection(
    features.map((f) => ({ ...f, properties: { ...f.properties, color: colors.get(String(f.properties.code)) } })),
  ) as GridCollection;
  return { largeGrids, largeGridLabels: labelPoints(features, (p) => ({ code: p.code, name: p.name })) };
}

/** Unit grids, plus label points carrying the short code. */
export function prepareUnitGrids(fc: GridCollection): Pick<GridLayerData, 'unitGrids' | 'unitGridLabels'> {
  const features = (fc.features ?? []).filter(polygonal);
  return {
    unitGrids: collection(features) as GridCollection,
    unitGridLabels: labelPoints(features, (p) => ({ code: p.code, name: p.name, short: shortCode(String(p.code)) })),
  };
}

/** Posts as they are, plus each post's service radius as a geodesic circle. */
export function preparePosts(fc: PostCollection, steps = 64): Pick<GridLayerData, 'posts' | 'postRadius'> {
  const posts = (fc.features ?? []).filter((f) => f.geometry?.type === 'Point');
  const radius: Feature<Polygon, Pick<PostProperties, 'code' | 'name' | 'radiusM'>>[] = [];
  for (const f of posts) {
    const r = Number(f.properties.radiusM);
    if (!(r > 0)) continue;
    radius.push({
      type: 'Feature',
      geometry: circlePolygon(f.geometry.coordinates, r, steps),
      properties: { code: f.properties.code, name: f.properties.name, radiusM: r },
    });
  }
  return { posts: collection(posts) as PostCollection, postRadius: collection(radius) };
}

function labelPoints(
  features: GridCollection['features'],
  props: (p: GridProperties) => Record<string, string>,
): FeatureCollection<Point> {
  const out: Feature<Point>[] = [];
  for (const f of features) {
    const at = labelPoint(f.geometry);
    if (at) out.push({ type: 'Feature', geometry: { type: 'Point', coordinates: at }, properties: props(f.properties) });
  }
  return collection(out);
}

export function prepareGridLayerData(large: GridCollection, unit: GridCollection, posts: PostCollection): GridLayerData {
  return { ...prepareLargeGrids(large), ...prepareUnitGrids(unit), ...preparePosts(posts) };
}

export function countsOf(data: GridLayerData): GridCounts {
  return {
    largeGrids: data.largeGrids.features.length,
    unitGrids: data.unitGrids.features.length,
    posts: data.posts.features.length,
  };
}

const SOURCE_OF: Record<keyof GridLayerData, string> = {
  largeGrids: SOURCES.largeGrids,
  largeGridLabels: SOURCES.largeGridLabels,
  unitGrids: SOURCES.unitGrids,
  unitGridLabels: SOURCES.unitGridLabels,
  posts: SOURCES.posts,
  postRadius: SOURCES.postRadius,
};

/** Puts the data into the map's GeoJSON sources (they exist from the base style on). */
export function setGridData(map: MapLibreMap, data: GridLayerData): void {
  for (const key of Object.keys(SOURCE_OF) as Array<keyof GridLayerData>) {
    map.getSource<GeoJSONSource>(SOURCE_OF[key])?.setData(data[key]);
  }
}

export function clearGridData(map: MapLibreMap): void {
  for (const id of Object.values(SOURCE_OF)) {
    map.getSource<GeoJSONSource>(id)?.setData({ type: 'FeatureCollection', features: [] });
  }
}
