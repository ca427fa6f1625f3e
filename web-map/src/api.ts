import type {
  CandidateList,
  CircuitView,
  Crew,
  GridCollection,
  GridLevel,
  IncidentDetail,
  LampView,
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
  /** A validation problem's messages by field (`errors` of a 400), empty otherwise. */
  readonly errors: Readonly<Record<string, readonly string[]>>;
  /** The whole problem body, for extensions beyond `detail` and `errors` (e.g. a refused publish's `problems`). */
  readonly problem: Readonly<ProblemDetails>;

  constructor(status: number, title: string, detail: string, errors: Record<string, readonly string[]> = {}, problem: ProblemDetails = {}) {
    super(detail || title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
    this.problem = problem;
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
  /** A lamp or cabinet by its 17-digit code, with its circuit, cabinet and open reports. */
  lamp(code: string): Promise<LampView>;
  /** A circuit with its lamps in cable order (and as a line), its open faults and reports. */
  circuit(code: string): Promise<CircuitView>;
  /** A photo's bytes (`url`/`thumbUrl` of a PhotoView), fetched with the Bearer header. */
  photoBlob(url: string): Promise<Blob>;
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
  return new ApiError(status, title, detail, problemErrors(problem.errors), problem);
}

/** `errors` of a validation problem: field → messages; anything not a string (list) is dropped. */
export function problemErrors(raw: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [field, value] of Object.entries(raw as Record<string, unknown>)) {
    const list = (Array.isArray(value) ? value : [value]).filter((m): m is string => typeof m === 'string' && m.trim() !== '');
    if (list.length) out[field] = list;
  }
  return out;
}

/** The transport under every endpoint function: bearer token, ProblemDetails → ApiError, 401 → onUnauthorized. */
export interface Http {
  send(path: string, init: RequestInit, auth: boolean): Promise<Response>;
  /** Throws the response's ApiError (after onUnauthorized for a 401 on an authenticated call). */
  fail(response: Response, auth: boolean): Promise<never>;
  /**
   * An authenticated call: `body` goes as JSON, a FormData as multipart. Resolves the JSON answer, or undefined for
   * a 204 or an empty body; throws ApiError otherwise.
   */
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** POST /api/auth/token: the only call without a token (a 401 here is a wrong password, not an expired sign-in). */
  login(username: string, password: string): Promise<TokenResponse>;
}

export function createHttp(options: ApiOptions): Http {
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

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method };
    if (typeof FormData !== 'undefined' && body instanceof FormData) init.body = body;
    else if (body !== undefined) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const response = await send(path, init, true);
    if (!response.ok) return fail(response, true);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function login(username: string, password: string): Promise<TokenResponse> {
    const response = await send(
      '/api/auth/token',
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) },
      false,
    );
    if (!response.ok) return fail(response, false);
    return (await response.json()) as TokenResponse;
  }

  return { send, fail, request, login };
}

/** One page of a list (`/api/lists/...`, `/api/incidents`). */
export interface ListPage<T> {
  items: T[];
  /** Every row of the list; the planner's estimate when `totalIsEstimate` is true. */
  total: number;
  page?: number;
  pageSize?: number;
  /** The following page's URL exactly as the server made it (a cursor, `after=`); absent on the last page. */
  next?: string;
  after?: string;
  totalIsEstimate?: boolean;
}

/**
 * Reads a list to its end by following each page's `next` as given (never computing page numbers: the cursor keeps
 * rows that arrive meanwhile from shifting or repeating). At most `maxPages` pages; the answer's `next` says where it
 * stopped if there were more.
 */
export async function allPages<T>(http: Pick<Http, 'request'>, path: string, maxPages = 50): Promise<ListPage<T>> {
  const first = await http.request<ListPage<T>>('GET', path);
  const items = [...(first.items ?? [])];
  let next = first.next;
  for (let read = 1; next && read < maxPages; read++) {
    const page = await http.request<ListPage<T>>('GET', next);
    items.push(...(page.items ?? []));
    next = page.next;
  }
  return { ...first, items, next };
}

export function createApi(options: ApiOptions): Api {
  const { send, fail, login } = createHttp(options);

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
    login,

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

    lamp: (code) => getJson<LampView>(`/api/streetlights/${encodeURIComponent(code)}`),

    circuit: (code) => getJson<CircuitView>(`/api/circuits/${encodeURIComponent(code)}`),

    async photoBlob(url) {
      const response = await send(url, { method: 'GET' }, true);
      if (!response.ok) return fail(response, true);
      return response.blob();
    },
  };
}
