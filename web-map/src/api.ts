import type {
  CandidateList,
  Crew,
  GridCollection,
  GridLevel,
  IncidentDetail,
  LocateResult,
  Me,
  Offer,
  PostCollection,
  ProblemDetails,
  TokenResponse,
  TransitionRequest,
} from './types';

/** An HTTP failure; `detail` is what the server said (ProblemDetails.detail) and what the user sees. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;

  constructor(status: number, title: string, detail: string) {
    super(detail || title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
  }

  /** True for a failure to reach the server at all (no HTTP status). */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiOptions {
  /** Defaults to the global fetch; tests pass a fake. */
  fetch?: FetchLike;
  /** Prefix for every path, '' for same origin. */
  baseUrl?: string;
  /** Current bearer token, or null when logged out. */
  getToken: () => string | null;
  /** Called once for each 401 on an authenticated call (not on a failed login). */
  onUnauthorized: (error: ApiError) => void;
}

export interface Api {
  login(username: string, password: string): Promise<TokenResponse>;
  me(): Promise<Me>;
  grids(level: GridLevel): Promise<GridCollection>;
  posts(): Promise<PostCollection>;
  /** Resolves null when the point lies in no grid (404). */
  locate(lon: number, lat: number): Promise<LocateResult | null>;
  /** One incident with its history and the actions the caller may take. */
  incident(id: number): Promise<IncidentDetail>;
  /** Takes a workflow action; resolves the incident as it is afterwards, throws the problem (409/403/400) otherwise. */
  transition(id: number, body: TransitionRequest): Promise<IncidentDetail>;
  /** Every crew member with team, role, shift and latest position. */
  crews(): Promise<Crew[]>;
  /** Who could take incident `id`, best first, and who was left out and why (admin, dispatcher). */
  candidates(id: number): Promise<CandidateList>;
  /** Offers incident `id` to `crewId`, or to the best candidate when it is left out (admin, dispatcher). */
  assign(id: number, crewId?: number): Promise<Offer>;
}

/** Reads a failed response into an ApiError, preferring ProblemDetails' `detail`. */
export async function toApiError(response: Response): Promise<ApiError> {
  let problem: ProblemDetails = {};
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body: unknown = await response.json();
      if (body && typeof body === 'object') problem = body as ProblemDetails;
    } catch {
      // not JSON after all: fall through to the status line
    }
  } else {
    try {
      const text = (await response.text()).trim();
      if (text && text.length < 500) problem = { detail: text };
    } catch {
      // ignore unreadable bodies
    }
  }
  const title = typeof problem.title === 'string' ? problem.title : response.statusText;
  // `detail` stays empty when the server gave none, so callers can fall back to their own wording.
  const detail = typeof problem.detail === 'string' ? problem.detail.trim() : '';
  const status = typeof problem.status === 'number' && problem.status > 0 ? problem.status : response.status;
  return new ApiError(status, title, detail);
}

export function createApi(options: ApiOptions): Api {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const base = options.baseUrl ?? '';

  async function send(path: string, init: RequestInit, auth: boolean): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Accept', 'application/json');
    if (auth) {
      const token = options.getToken();
      if (token) headers.set('Authorization', `Bearer ${token}`);
    }
    try {
      return await doFetch(base + path, { ...init, headers });
    } catch (e) {
      throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
    }
  }

  async function fail(response: Response, auth: boolean): Promise<never> {
    const error = await toApiError(response);
    if (auth && response.status === 401) options.onUnauthorized(error);
    throw error;
  }

  async function getJson<T>(path: string): Promise<T> {
    const response = await send(path, { method: 'GET' }, true);
    if (!response.ok) return fail(response, true);
    return (await response.json()) as T;
  }

  async function postJson<T>(path: string, body: unknown): Promise<T> {
    const response = await send(
      path,
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) },
      true,
    );
    if (!response.ok) return fail(response, true);
    return (await response.json()) as T;
  }

  const incidentPath = (id: number): string => `/api/incidents/${encodeURIComponent(String(id))}`;

  return {
    async login(username, password) {
      const response = await send(
        '/api/auth/token',
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ username, password }),
        },
        false,
      );
      if (!response.ok) return fail(response, false);
      return (await response.json()) as TokenResponse;
    },

    me: () => getJson<Me>('/api/me'),

    grids: (level) => getJson<GridCollection>(`/api/grids?level=${encodeURIComponent(level)}`),

    posts: () => getJson<PostCollection>('/api/posts'),

    async locate(lon, lat) {
      const query = `lon=${lon.toFixed(7)}&lat=${lat.toFixed(7)}`;
      const response = await send(`/api/grids/locate?${query}`, { method: 'GET' }, true);
      if (response.status === 404) return null;
      if (!response.ok) return fail(response, true);
      return (await response.json()) as LocateResult;
    },

    incident: (id) => getJson<IncidentDetail>(incidentPath(id)),

    transition: (id, body) => postJson<IncidentDetail>(`${incidentPath(id)}/transitions`, body),

    crews: () => getJson<Crew[]>('/api/crews'),

    candidates: (id) => getJson<CandidateList>(`${incidentPath(id)}/candidates`),

    assign: (id, crewId) => postJson<Offer>(`${incidentPath(id)}/assign`, crewId === undefined ? {} : { crewId }),
  };
}
