import { featureFilter } from '@maplibre/maplibre-gl-style-spec';
import { describe, expect, it } from 'vitest';
import { classIndex } from './coverage';
import { CLASSES } from '../testing/fakeLifeCircle';
import { countByLevel, facilityFeatures, levelFilter, shortLabel } from './facilities';
import type { FacilityCollection } from './types';

const index = classIndex(CLASSES);
const fc: FacilityCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [115.4, 25.9] }, properties: { id: 1, class: 'kindergarten', level: 5, name: '东门幼儿园' } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [115.41, 25.91] }, properties: { id: 2, class: 'middle_school', level: 15, name: '一中' } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [115.42, 25.92] }, properties: { id: 3, class: 'cinema', level: '10' as unknown as number, name: '影院' } },
  ],
};

describe('facilities on the map', () => {
  it('labels each with one character of its class and its class name', () => {
    expect(shortLabel('kindergarten', index, 'zh')).toBe('幼');
    expect(shortLabel('primary_school', index, 'en')).toBe('P');
    expect(shortLabel('cinema', index, 'en')).toBe('C');
    const out = facilityFeatures(fc, index, 'zh');
    expect(out.features.map((f) => [f.properties.short, f.properties.className, f.properties.level])).toEqual([
      ['幼', '幼儿园', 5],
      ['中', '中学', 15],
      ['c', 'cinema', 10],
    ]);
  });

  it('shows only the levels ticked', () => {
    const only = (levels: number[]) => {
      const filter = featureFilter(levelFilter(levels), 'filter');
      return facilityFeatures(fc, index, 'zh').features.filter((f) => filter.filter({ zoom: 14 }, { type: 1, properties: f.properties } as never)).map((f) => f.properties.id);
    };
    expect(only([5, 10, 15])).toEqual([1, 2, 3]);
    expect(only([5])).toEqual([1]);
    expect(only([10])).toEqual([3]);
    expect(only([])).toEqual([]);
  });

  it('counts facilities per level', () => {
    expect(countByLevel(fc)).toEqual({ 5: 1, 10: 1, 15: 1 });
    expect(countByLevel(null)).toEqual({ 5: 0, 10: 0, 15: 0 });
  });
});
