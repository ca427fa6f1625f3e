import { describe, expect, it } from 'vitest';
import { haversine, pointInPolygon } from '../geo';
import type { GridCollection, PostCollection } from '../types';
import { countsOf, prepareGridLayerData, preparePosts, shortCode } from './grids';

const square = (x: number, y: number, s: number) => ({
  type: 'Polygon' as const,
  coordinates: [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]],
});

const large: GridCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: square(115.38, 25.93, 0.02), properties: { code: 'LG01', name: '城东大网格', level: 'large', teamId: 1, teamName: '一班' } },
    { type: 'Feature', geometry: square(115.40, 25.93, 0.02), properties: { code: 'LG02', name: '城西大网格', level: 'large', teamId: 2, teamName: '二班' } },
  ],
};

const unit: GridCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: square(115.38, 25.93, 0.005), properties: { code: '360781001001', name: '一号', level: 'unit', parentCode: 'LG01' } },
    { type: 'Feature', geometry: square(115.385, 25.93, 0.005), properties: { code: '360781001002', name: '二号', level: 'unit', parentCode: 'LG01' } },
    { type: 'Feature', geometry: square(115.39, 25.93, 0.005), properties: { code: '360781001003', name: '三号', level: 'unit', parentCode: 'LG01' } },
  ],
};

const posts: PostCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [115.39, 25.94] }, properties: { code: 'P01', name: '东门岗', radiusM: 300, teamId: 1, largeGridCode: 'LG01' } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [115.41, 25.94] }, properties: { code: 'P02', name: '西门岗', radiusM: 0, teamId: 2, largeGridCode: 'LG02' } },
  ],
};

describe('grid layer data', () => {
  const data = prepareGridLayerData(large, unit, posts);

  it('counts features', () => {
    expect(countsOf(data)).toEqual({ largeGrids: 2, unitGrids: 3, posts: 2 });
  });

  it('gives large grids a colour, different for the two touching ones', () => {
    const colors = data.largeGrids.features.map((f) => (f.properties as unknown as { color: string }).color);
    expect(colors.every((c) => /^#[0-9a-f]{6}$/.test(c))).toBe(true);
    expect(colors[0]).not.toBe(colors[1]);
    expect(data.largeGrids.features[0]!.properties.teamName).toBe('一班');
  });

  it('puts one label point inside each grid', () => {
    expect(data.largeGridLabels.features).toHaveLength(2);
    data.largeGridLabels.features.forEach((label, i) => {
      expect(label.properties?.name).toBe(large.features[i]!.properties.name);
      expect(pointInPolygon(label.geometry.coordinates, large.features[i]!.geometry.coordinates as number[][][])).toBe(true);
    });
    expect(data.unitGridLabels.features.map((f) => f.properties?.short)).toEqual(['001', '002', '003']);
  });

  it('draws a radius circle for each post with a positive radius', () => {
    expect(data.postRadius.features).toHaveLength(1);
    const ring = data.postRadius.features[0]!.geometry.coordinates[0]!;
    expect(Math.abs(haversine([115.39, 25.94], ring[5]!) - 300)).toBeLessThan(1.5);
    expect(preparePosts(posts, 8).postRadius.features[0]!.geometry.coordinates[0]).toHaveLength(9);
  });

  it('tolerates an empty or odd collection', () => {
    const empty = prepareGridLayerData(
      { type: 'FeatureCollection', features: [] },
      { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: null as never, properties: { code: 'x', name: 'x', level: 'unit' } }] },
      { type: 'FeatureCollection', features: [] },
    );
    expect(countsOf(empty)).toEqual({ largeGrids: 0, unitGrids: 0, posts: 0 });
  });
});

describe('shortCode', () => {
  it('keeps the last three characters', () => {
    expect(shortCode('360781001017')).toBe('017');
    expect(shortCode('17')).toBe('17');
  });
});
