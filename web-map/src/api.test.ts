import { describe, expect, it, vi } from 'vitest';
import { allPages, ApiError, createApi, createHttp, problemErrors, toApiError, type FetchLike } from './api';

interface Call {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(respond: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    return respond(url, init);
  };
  return { fetch, calls };
}

const json = (body: unknown, status = 200, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

const problem = (status: number, title: string, detail?: string) =>
  json({ type: 'about:blank', title, status, ...(detail ? { detail } : {}) }, status, 'application/problem+json');

function api(respond: Parameters<typeof fakeFetch>[0], token: string | null = 'tok-123') {
  const { fetch, calls } = fakeFetch(respond);
  const onUnauthorized = vi.fn();
  const client = createApi({ fetch, getToken: () => token, onUnauthorized });
  return { client, calls, onUnauthorized };
}

const header = (call: Call | undefined, name: string) => new Headers(call?.init?.headers).get(name);

describe('toApiError', () => {
  it('takes detail, title and status from ProblemDetails', async () => {
    const err = await toApiError(problem(409, 'Conflict', '该网格已被占用'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(409);
    expect(err.title).toBe('Conflict');
    expect(err.detail).toBe('该网格已被占用');
    expect(err.message).toBe('该网格已被占用');
  });

  it('leaves detail empty when the server sent none', async () => {
    const err = await toApiError(new Response(null, { status: 401, statusText: 'Unauthorized' }));
    expect(err.status).toBe(401);
    expect(err.detail).toBe('');
    expect(err.message).toBe('Unauthorized');
  });

  it('keeps the field errors of a validation problem', async () => {
    const body = { title: 'One or more validation errors occurred.', status: 400, detail: 'A username is 2-64 characters.', errors: { username: ['A username is 2-64 characters.'], 'crews.csv row 4': ['x', 'y'] } };
    const err = await toApiError(json(body, 400, 'application/problem+json'));
    expect(err.errors).toEqual({ username: ['A username is 2-64 characters.'], 'crews.csv row 4': ['x', 'y'] });
    expect((await toApiError(problem(409, 'Conflict', 'no'))).errors).toEqual({});
    expect(problemErrors({ a: 'one', b: [1, '', 'two'], c: null })).toEqual({ a: ['one'], b: ['two'] });
    expect(problemErrors(['x'])).toEqual({});
  });

  it('survives a broken JSON body', async () => {
    const err = await toApiError(new Response('{oops', { status: 500, headers: { 'content-type': 'application/json' } }));
    expect(err.status).toBe(500);
    expect(err.detail).toBe('');
  });
});

describe('createApi', () => {
  it('logs in with a JSON POST and no bearer token', async () => {
    const token = { accessToken: 'abc', expiresAt: '2030-01-01T00:00:00Z', roles: ['dispatcher'] };
    const { client, calls } = api(() => json(token));
    await expect(client.login('dispatcher', 'gridgov-demo')).resolves.toEqual(token);
    expect(calls[0]!.url).toBe('/api/auth/token');
    expect(calls[0]!.init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ username: 'dispatcher', password: 'gridgov-demo' });
    expect(header(calls[0], 'content-type')).toBe('application/json');
    expect(header(calls[0], 'authorization')).toBeNull();
  });

  it('a wrong login throws the ProblemDetails detail and does NOT trigger logout', async () => {
    const { client, onUnauthorized } = api(() => problem(401, 'Unauthorized', '用户名或密码错误'));
    const err = await client.login('x', 'y').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).detail).toBe('用户名或密码错误');
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('sends the bearer token on authenticated calls', async () => {
    const { client, calls } = api(() => json({ username: 'admin', roles: ['admin'] }));
    await expect(client.me()).resolves.toEqual({ username: 'admin', roles: ['admin'] });
    expect(calls[0]!.url).toBe('/api/me');
    expect(header(calls[0], 'authorization')).toBe('Bearer tok-123');
  });

  it('a 401 on an authenticated call calls the logout callback with the error, then throws', async () => {
    const { client, onUnauthorized } = api(() => problem(401, 'Unauthorized', '令牌已过期'));
    await expect(client.grids('large')).rejects.toMatchObject({ status: 401, detail: '令牌已过期' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(onUnauthorized.mock.calls[0]![0]).toBeInstanceOf(ApiError);
  });

  it('other errors throw without logging out', async () => {
    const { client, onUnauthorized } = api(() => problem(500, 'Server Error', '数据库不可用'));
    await expect(client.posts()).rejects.toMatchObject({ status: 500, detail: '数据库不可用' });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('builds the grid and post URLs', async () => {
    const fc = { type: 'FeatureCollection', features: [] };
    const { client, calls } = api(() => json(fc));
    await client.grids('unit');
    await client.grids('large');
    await client.posts();
    expect(calls.map((c) => c.url)).toEqual(['/api/grids?level=unit', '/api/grids?level=large', '/api/posts']);
  });

  it('locate returns the result, or null on 404', async () => {
    const found = {
      unitGrid: { code: '360781001001', name: '一号单元' },
      largeGrid: { code: 'LG01', name: '城东大网格' },
      community: { code: 'C1', name: '东门社区' },
      street: { code: 'S1', name: '城关街道' },
      team: { id: 3, name: '第三班组' },
    };
    const { client, calls } = api((url) => (url.includes('lon=115.4150000') ? json(found) : problem(404, 'Not Found', 'no grid')));
    await expect(client.locate(115.415, 25.955)).resolves.toEqual(found);
    expect(calls[0]!.url).toBe('/api/grids/locate?lon=115.4150000&lat=25.9550000');
    await expect(client.locate(100, 20)).resolves.toBeNull();
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    const { client } = api(() => Promise.reject(new TypeError('Failed to fetch')));
    const err = (await client.me().catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.isNetwork).toBe(true);
  });

  it('uses baseUrl and omits Authorization when there is no token', async () => {
    const { fetch, calls } = fakeFetch(() => json({}));
    const client = createApi({ fetch, baseUrl: 'http://h:1', getToken: () => null, onUnauthorized: () => undefined });
    await client.me();
    expect(calls[0]!.url).toBe('http://h:1/api/me');
    expect(header(calls[0], 'authorization')).toBeNull();
  });
});

describe('incident calls', () => {
  const detail = { id: 42, status: 'dispatched', availableActions: ['accept'], history: [] };

  it('fetches an incident with the bearer token', async () => {
    const { client, calls } = api(() => json(detail));
    await expect(client.incident(42)).resolves.toEqual(detail);
    expect(calls[0]!.url).toBe('/api/incidents/42');
    expect(header(calls[0], 'authorization')).toBe('Bearer tok-123');
  });

  it('posts a transition as JSON and returns the new detail', async () => {
    const { client, calls } = api(() => json({ ...detail, status: 'accepted' }));
    await expect(client.transition(42, { action: 'handle', note: '已处理' })).resolves.toMatchObject({ status: 'accepted' });
    expect(calls[0]!.url).toBe('/api/incidents/42/transitions');
    expect(calls[0]!.init?.method).toBe('POST');
    expect(header(calls[0], 'content-type')).toBe('application/json');
    expect(header(calls[0], 'authorization')).toBe('Bearer tok-123');
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ action: 'handle', note: '已处理' });
  });

  it('a refused transition throws the problem detail', async () => {
    const { client, onUnauthorized } = api(() => problem(409, 'Not possible in this state', "'close' needs a verified incident."));
    await expect(client.transition(42, { action: 'close' })).rejects.toMatchObject({ status: 409, detail: "'close' needs a verified incident." });
    expect(onUnauthorized).not.toHaveBeenCalled();
  });
});

describe('dispatch calls', () => {
  it('lists the crews', async () => {
    const crews = [{ id: 1, name: '张三', role: 'municipal', onShift: true, position: null }];
    const { client, calls } = api(() => json(crews));
    await expect(client.crews()).resolves.toEqual(crews);
    expect(calls[0]!.url).toBe('/api/crews');
    expect(header(calls[0], 'authorization')).toBe('Bearer tok-123');
  });

  it('fetches the candidates of an incident', async () => {
    const list = { incidentId: 42, candidates: [], excluded: [] };
    const { client, calls } = api(() => json(list));
    await expect(client.candidates(42)).resolves.toEqual(list);
    expect(calls[0]!.url).toBe('/api/incidents/42/candidates');
  });

  it('assigns a named crew member, or the best one with an empty body', async () => {
    const offer = { id: 7, incidentId: 42, crewId: 5, crewName: '李四', status: 'pending' };
    const { client, calls } = api(() => json(offer));
    await expect(client.assign(42, 5)).resolves.toEqual(offer);
    await client.assign(42);
    expect(calls.map((c) => c.url)).toEqual(['/api/incidents/42/assign', '/api/incidents/42/assign']);
    expect(calls.map((c) => c.init?.method)).toEqual(['POST', 'POST']);
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ crewId: 5 });
    expect(JSON.parse(String(calls[1]!.init?.body))).toEqual({});
    expect(header(calls[1], 'content-type')).toBe('application/json');
  });

  it('fetches a lamp and a circuit by code', async () => {
    const { client, calls } = api((url) => json(url.includes('circuits') ? { code: '36070301060000001-1', lamps: [] } : { code: '36070301037000001' }));
    await expect(client.lamp('36070301037000001')).resolves.toEqual({ code: '36070301037000001' });
    await expect(client.circuit('36070301060000001-1')).resolves.toMatchObject({ code: '36070301060000001-1' });
    expect(calls.map((c) => c.url)).toEqual(['/api/streetlights/36070301037000001', '/api/circuits/36070301060000001-1']);
    expect(header(calls[1], 'authorization')).toBe('Bearer tok-123');
  });

  it('a refused assignment throws the problem detail', async () => {
    const { client } = api(() => problem(409, 'Conflict', 'Crew 5 is off shift.'));
    await expect(client.assign(42, 5)).rejects.toMatchObject({ status: 409, detail: 'Crew 5 is off shift.' });
  });
});

describe('createHttp', () => {
  function http(respond: Parameters<typeof fakeFetch>[0]) {
    const { fetch, calls } = fakeFetch(respond);
    const onUnauthorized = vi.fn();
    return { client: createHttp({ fetch, getToken: () => 'tok', onUnauthorized }), calls, onUnauthorized };
  }

  it('sends JSON bodies with the bearer token and reads JSON answers', async () => {
    const { client, calls } = http(() => json({ id: 3 }, 201));
    await expect(client.request('PUT', '/api/teams/3', { name: '路灯所' })).resolves.toEqual({ id: 3 });
    expect(calls[0]!.init?.method).toBe('PUT');
    expect(header(calls[0], 'content-type')).toBe('application/json');
    expect(header(calls[0], 'authorization')).toBe('Bearer tok');
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ name: '路灯所' });
  });

  it('passes FormData as it is (the browser sets the multipart boundary) and reads a 204 as undefined', async () => {
    const { client, calls } = http(() => new Response(null, { status: 204 }));
    const form = new FormData();
    form.append('crews', new Blob(['employeeNo\n']), 'crews.csv');
    await expect(client.request('POST', '/api/import/people', form)).resolves.toBeUndefined();
    expect(calls[0]!.init?.body).toBe(form);
    expect(header(calls[0], 'content-type')).toBeNull();
  });

  it('throws the problem and reports a 401', async () => {
    const { client, onUnauthorized } = http(() => problem(401, 'Unauthorized'));
    await expect(client.request('GET', '/api/users')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });
});

describe('allPages', () => {
  const client = (pages: Record<string, unknown>) => {
    const { fetch, calls } = fakeFetch((url) => (url in pages ? json(pages[url]) : problem(400, 'Bad Request', 'unexpected ' + url)));
    return { http: createHttp({ fetch, getToken: () => 'tok', onUnauthorized: vi.fn() }), calls };
  };

  it('follows next exactly as the server gave it, to the last page', async () => {
    const next2 = '/api/incidents?status=reported&pageSize=2&after=AbC-_9';
    const next3 = '/api/incidents?status=reported&pageSize=2&after=XyZ_-1';
    const { http, calls } = client({
      '/api/incidents?status=reported&pageSize=2': { items: [{ id: 9 }, { id: 8 }], total: 5, page: 1, pageSize: 2, next: next2, after: 'AbC-_9' },
      [next2]: { items: [{ id: 7 }, { id: 6 }], total: 5, page: 2, pageSize: 2, next: next3, after: 'XyZ_-1' },
      [next3]: { items: [{ id: 5 }], total: 5, page: 3, pageSize: 2 },
    });
    const all = await allPages<{ id: number }>(http, '/api/incidents?status=reported&pageSize=2');
    expect(all.items.map((i) => i.id)).toEqual([9, 8, 7, 6, 5]);
    expect(all.total).toBe(5);
    expect(all.next).toBeUndefined();
    expect(calls.map((c) => c.url)).toEqual(['/api/incidents?status=reported&pageSize=2', next2, next3]);
  });

  it('stops after maxPages and says where it stopped; keeps the estimate flag', async () => {
    const { http, calls } = client({
      '/a': { items: [1], total: 20000, totalIsEstimate: true, next: '/a?after=x' },
      '/a?after=x': { items: [2], total: 20000, totalIsEstimate: true, next: '/a?after=y' },
    });
    const all = await allPages<number>(http, '/a', 2);
    expect(all.items).toEqual([1, 2]);
    expect(all.next).toBe('/a?after=y');
    expect(all.totalIsEstimate).toBe(true);
    expect(calls).toHaveLength(2);
  });
});
