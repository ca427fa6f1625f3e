import { describe, expect, it, vi } from 'vitest';
import { ApiError, createHttp, type FetchLike } from '../api';
import { createPlannerApi, exportFilename, importPath, query } from './plannerApi';

function setup(respond: (url: string, init?: RequestInit) => Response) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    return respond(url, init);
  };
  const onUnauthorized = vi.fn();
  const api = createPlannerApi(createHttp({ fetch, getToken: () => 'tok', onUnauthorized }));
  return { api, calls, onUnauthorized };
}
const json = (body: unknown, status = 200, type = 'application/json') => new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('plans API client', () => {
  it('builds queries from the values that are set', () => {
    expect(query({ a: 1, b: '', c: undefined, d: ' x y ', e: null })).toBe('?a=1&d=x%20y');
    expect(query({})).toBe('');
    expect(importPath(4, { level: 'unit', crs: '', codeField: 'BM', nameField: '', parentField: 'SJBM' }, 12)).toBe('/api/plans/4/import?level=unit&codeField=BM&parentField=SJBM&baseVersion=12');
    expect(importPath(4, { level: 'large', crs: 'gcj02' }, 1)).toBe('/api/plans/4/import?level=large&crs=gcj02&baseVersion=1');
  });

  it('sends each call to its endpoint with the bearer token, JSON bodies with baseVersion', async () => {
    const { api, calls } = setup(() => json({ version: 8 }));
    await api.plans();
    await api.plan(3);
    await api.createPlan({ name: '草稿', empty: true });
    await api.grids(3, 'unit');
    await api.locate(3, 115.4, 25.95);
    await api.edit(3, { op: 'rename', baseVersion: 7, code: 'U1', name: '新' });
    await api.undo(3, 8);
    await api.redo(3, 9);
    await api.history(3);
    await api.validation(3);
    await api.balance(3);
    await api.compare(3, 1);
    await api.publish(3, 10);
    expect(calls.map((c) => `${c.init?.method} ${c.url}`)).toEqual([
      'GET /api/plans',
      'GET /api/plans/3',
      'POST /api/plans',
      'GET /api/plans/3/grids?level=unit',
      'GET /api/plans/3/locate?lon=115.4000000&lat=25.9500000',
      'POST /api/plans/3/edits',
      'POST /api/plans/3/undo',
      'POST /api/plans/3/redo',
      'GET /api/plans/3/history',
      'GET /api/plans/3/validation',
      'GET /api/plans/3/balance',
      'GET /api/plans/3/compare?with=1',
      'POST /api/plans/3/publish',
    ]);
    expect(new Headers(calls[0]!.init?.headers).get('Authorization')).toBe('Bearer tok');
    expect(JSON.parse(String(calls[2]!.init?.body))).toEqual({ name: '草稿', empty: true });
    expect(JSON.parse(String(calls[5]!.init?.body))).toEqual({ op: 'rename', baseVersion: 7, code: 'U1', name: '新' });
    expect(JSON.parse(String(calls[6]!.init?.body))).toEqual({ baseVersion: 8 });
    expect(JSON.parse(String(calls[12]!.init?.body))).toEqual({ baseVersion: 10 });
  });

  it('uploads the file as multipart `file`', async () => {
    const { api, calls } = setup(() => json({ level: 'unit', created: 2, updated: 0, removed: 0, version: 4 }));
    const result = await api.importGrids(3, { level: 'unit', crs: 'cgcs2000' }, 3, new Blob(['{}'], { type: 'application/geo+json' }), 'grids.geojson');
    expect(result.version).toBe(4);
    const body = calls[0]!.init?.body as FormData;
    expect(body).toBeInstanceOf(FormData);
    expect((body.get('file') as File).name).toBe('grids.geojson');
    expect(calls[0]!.url).toBe('/api/plans/3/import?level=unit&crs=cgcs2000&baseVersion=3');
  });

  it('keeps a refused publish\'s problems and a bad file\'s errors', async () => {
    const { api } = setup((url) =>
      url.endsWith('/publish')
        ? json({ title: 'Conflict', status: 409, detail: '方案未通过校验', problems: [{ kind: 'gap', codes: ['U1'] }] }, 409, 'application/problem+json')
        : json({ title: 'Bad', status: 400, detail: 'bad file', errors: { 'feature 3 (code)': ['empty'] } }, 400, 'application/problem+json'),
    );
    const refused = (await api.publish(3, 1).catch((e: unknown) => e)) as ApiError;
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused.status).toBe(409);
    expect(refused.detail).toBe('方案未通过校验');
    expect((refused.problem as { problems: unknown[] }).problems).toEqual([{ kind: 'gap', codes: ['U1'] }]);
    const bad = (await api.importGrids(3, { level: 'unit' }, 1, new Blob(['x']), 'x.geojson').catch((e: unknown) => e)) as ApiError;
    expect(bad.errors).toEqual({ 'feature 3 (code)': ['empty'] });
  });

  it('downloads an export with the token, named by the server', async () => {
    const { api, calls } = setup(() => new Response('PK', { status: 200, headers: { 'content-type': 'application/zip', 'content-disposition': "attachment; filename=plan.zip; filename*=UTF-8''%E6%96%B9%E6%A1%88.zip" } }));
    const file = await api.exportFile(3, 'unit', 'shapefile');
    expect(calls[0]!.url).toBe('/api/plans/3/export?level=unit&format=shapefile');
    expect(new Headers(calls[0]!.init?.headers).get('Authorization')).toBe('Bearer tok');
    expect(file.filename).toBe('方案.zip');
    expect(await file.blob.text()).toBe('PK');
    expect(exportFilename('attachment; filename="grids.gpkg"', 1, 'large', 'geopackage')).toBe('grids.gpkg');
    expect(exportFilename(null, 1, 'large', 'geopackage')).toBe('plan-1-large.gpkg');
  });

  it('a 401 signs out', async () => {
    const { api, onUnauthorized } = setup(() => json({ title: 'Unauthorized', status: 401 }, 401, 'application/problem+json'));
    await expect(api.plans()).rejects.toBeInstanceOf(ApiError);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});
