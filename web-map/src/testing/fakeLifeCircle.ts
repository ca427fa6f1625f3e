import { vi } from 'vitest';
import { I18n } from '../i18n';
import { createLifeCircleController, type LcMapSink } from '../lifecircle/controller';
import type { LifeCircleApi } from '../lifecircle/lifeCircleApi';
import type { CommunitySummary, Coverage, FacilityClass, FacilityCollection, IsochroneCollection } from '../lifecircle/types';
import { MemoryStorage } from '../ready';
import type { GridCollection } from '../types';

/** Life-circle fixtures and a controller over a fake API and a fake map, for tests. */

export const CLASSES: FacilityClass[] = [
  { class: 'kindergarten', zh: '幼儿园', en: 'Kindergarten', level: 5, required: true, metres: 300 },
  { class: 'primary_school', zh: '小学', en: 'Primary school', level: 10, required: true, metres: 500 },
  { class: 'middle_school', zh: '中学', en: 'Middle school', level: 15, required: true, metres: 1000 },
  { class: 'pharmacy', zh: '药店', en: 'Pharmacy', level: 10, required: false, metres: 500 },
];

const row = (cls: string, level: number, covered: number, total: number, required = true) => ({
  class: cls,
  level,
  minutes: level,
  metres: level === 5 ? 300 : level === 10 ? 500 : 1000,
  required,
  buildings: total,
  buildingsCovered: covered,
  share: total ? covered / total : null,
  households: total * 10,
  householdsCovered: covered * 10,
});

export const COVERAGE: Coverage = {
  code: 'C1',
  name: '东门社区',
  buildings: 120,
  households: 1200,
  classes: [row('middle_school', 15, 120, 120), row('pharmacy', 10, 3, 120, false), row('primary_school', 10, 100, 120), row('kindergarten', 5, 30, 120)],
  worst: ['kindergarten'],
  gaps: {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]]] }, properties: { class: 'kindergarten', buildings: 90 } },
      { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [[[[2, 0], [3, 0], [3, 1], [2, 0]]]] }, properties: { class: 'pharmacy', buildings: 117 } },
    ],
  },
};


const square = (r: number): GeoJSON.Polygon => ({ type: 'Polygon', coordinates: [[[-r, -r], [r, -r], [r, r], [-r, r], [-r, -r]]] });
export const BANDS: IsochroneCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: square(1), properties: { minutes: 5, metres: 375 } },
    { type: 'Feature', geometry: square(2), properties: { minutes: 10, metres: 750 } },
    { type: 'Feature', geometry: square(3), properties: { minutes: 15, metres: 1125 } },
  ],
};


export const FACILITIES: FacilityCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [0.5, 0.5] }, properties: { id: 1, class: 'kindergarten', level: 5, name: '东门幼儿园' } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [1.5, 0.5] }, properties: { id: 2, class: 'middle_school', level: 15, name: '一中' } },
  ],
};

export const COMMUNITIES: CommunitySummary[] = [
  { code: 'C1', name: '东门社区', buildings: 120, households: 1200, classes: 3, classesMet: 1, worstClass: 'kindergarten', worstShare: 0.25 },
  { code: 'C2', name: '西门社区', buildings: 80, households: 700, classes: 3, classesMet: 3, worstClass: 'primary_school', worstShare: 0.95 },
];

export const OUTLINES: GridCollection = {
  type: 'FeatureCollection',
  features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 2], [0, 2], [0, 0]]] }, properties: { code: 'C1', name: '东门社区', level: 'community' } }],
};

export function setupLifeCircle(over: Partial<LifeCircleApi> = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  let facilities = FACILITIES;
  let coverage = COVERAGE;
  const base: LifeCircleApi = {
    classes: async () => CLASSES,
    isochrone: async () => BANDS,
    facilities: async () => facilities,
    communities: async () => COMMUNITIES,
    coverage: async () => coverage,
    communityGrids: async () => OUTLINES,
    addFacility: async () => ({ id: 99 }),
    deleteFacility: async () => undefined,
  };
  const api = {} as LifeCircleApi;
  for (const name of Object.keys(base) as Array<keyof LifeCircleApi>) {
    (api as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      calls.push([name, ...args]);
      return ((over[name] ?? base[name]) as (...a: unknown[]) => unknown)(...args);
    };
  }
  const sink: LcMapSink = { bands: vi.fn(), facilities: vi.fn(), levels: vi.fn(), gaps: vi.fn(), community: vi.fn(), buildings: vi.fn(), tool: vi.fn() };
  const i18n = new I18n(new MemoryStorage());
  const redraw = vi.fn();
  const c = createLifeCircleController({ api, i18n, sink, redraw });
  return {
    c,
    calls,
    sink,
    i18n,
    redraw,
    setFacilities: (fc: FacilityCollection) => (facilities = fc),
    setCoverage: (cv: Coverage) => (coverage = cv),
  };
}

export type { FacilityClass, IsochroneCollection };
