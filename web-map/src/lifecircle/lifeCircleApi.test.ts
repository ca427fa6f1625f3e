import { describe, expect, it } from 'vitest';
import type { Http } from '../api';
import {
  coveragePath,
  createLifeCircleApi,
  facilitiesPath,
  facilityPath,
  isochronePath,
  lifeCircleTilesUrl,
  newFacilityBody,
} from './lifeCircleApi';

describe('life-circle requests', () => {
  it('asks for the 5/10/15-minute isochrone at seven decimals, minutes comma-separated', () => {
    expect(isochronePath(115.415, 25.955)).toBe('/api/lifecircles/isochrone?lon=115.4150000&lat=25.9550000&minutes=5,10,15');
    expect(isochronePath(115.41, 25.95, [15, 5, 5, 10.2])).toBe('/api/lifecircles/isochrone?lon=115.4100000&lat=25.9500000&minutes=5,10,15');
    expect(() => isochronePath(Number.NaN, 25)).toThrow(RangeError);
    expect(() => isochronePath(115, 25, [0])).toThrow(RangeError);
  });

  it('filters facilities by class, encodes codes and ids', () => {
    expect(facilitiesPath()).toBe('/api/lifecircles/facilities');
    expect(facilitiesPath('  ')).toBe('/api/lifecircles/facilities');
    expect(facilitiesPath('bus_stop')).toBe('/api/lifecircles/facilities?class=bus_stop');
    expect(coveragePath({ community: '360700001001' })).toBe('/api/lifecircles/coverage?community=360700001001');
    expect(coveragePath({ largeGrid: 'L 01' })).toBe('/api/lifecircles/coverage?largeGrid=L%2001');
    expect(facilityPath(42)).toBe('/api/lifecircles/facilities/42');
    expect(facilityPath('a/b')).toBe('/api/lifecircles/facilities/a%2Fb');
  });

  it('builds the building tile URL with the class and a cache buster', () => {
    expect(lifeCircleTilesUrl('http://x', 'kindergarten')).toBe('http://x/tiles/lifecircle/{z}/{x}/{y}.pbf?class=kindergarten');
    expect(lifeCircleTilesUrl('http://x', 'a&b', 3)).toBe('http://x/tiles/lifecircle/{z}/{x}/{y}.pbf?class=a%26b&v=3');
  });

  it('posts a trimmed name and rounded coordinates', () => {
    expect(newFacilityBody('kindergarten', '  规划幼儿园 ', 115.123456789, 25.987654321)).toEqual({ class: 'kindergarten', name: '规划幼儿园', lon: 115.1234568, lat: 25.9876543 });
  });

  it('sends every call through the authenticated transport', async () => {
    const calls: Array<[string, string, unknown]> = [];
    const http = { request: async (method: string, path: string, body?: unknown) => (calls.push([method, path, body]), undefined) } as unknown as Http;
    const api = createLifeCircleApi(http);
    await api.classes();
    await api.isochrone(115, 25);
    await api.facilities('shop');
    await api.communities();
    await api.coverage({ community: 'C1' });
    await api.communityGrids();
    await api.addFacility({ class: 'shop', name: 'x', lon: 1, lat: 2 });
    await api.deleteFacility(7);
    expect(calls).toEqual([
      ['GET', '/api/lifecircles/classes', undefined],
      ['GET', '/api/lifecircles/isochrone?lon=115.0000000&lat=25.0000000&minutes=5,10,15', undefined],
      ['GET', '/api/lifecircles/facilities?class=shop', undefined],
      ['GET', '/api/lifecircles/communities', undefined],
      ['GET', '/api/lifecircles/coverage?community=C1', undefined],
      ['GET', '/api/grids?level=community', undefined],
      ['POST', '/api/lifecircles/facilities', { class: 'shop', name: 'x', lon: 1, lat: 2 }],
      ['DELETE', '/api/lifecircles/facilities/7', undefined],
    ]);
  });
});
