import { text } from './strings';
import type { Lang } from './words';

/** The anonymous endpoints the report page calls (see the phones API). Every failure is a ReportError. */

export interface CategoryChoice {
  code: string;
  name: string;
  nameEn?: string | null;
  streetlight?: boolean;
}

export interface CategoryMajor {
  code: string;
  name: string;
  nameEn?: string | null;
  categories: CategoryChoice[];
}

export interface NearbyLamp {
  code: string;
  lon: number;
  lat: number;
  distanceM: number;
  status?: string;
}

export interface ReportRequest {
  clientRequestId: string;
  category: string;
  source: 'resident';
  lon: number;
  lat: number;
  description?: string;
  phone?: string;
  assetCode?: string;
}

export interface ReportAnswer {
  id: number;
  status: string;
  deadline?: string | null;
  teamId?: number | null;
  teamName?: string | null;
  categoryName?: string | null;
  trackingToken?: string;
  trackingUrl?: string;
}

/** The photo view of the API; for a resident its URLs carry the tracking token. */
export type { PhotoView } from '../types';
import type { PhotoView } from '../types';

export interface TrackedCase {
  id: number;
  status: string;
  category?: string | { code: string; name?: string };
  categoryName?: string | null;
  description?: string | null;
  lon?: number;
  lat?: number;
  reportedAt?: string;
  deadline?: string | null;
  overdue?: boolean;
  teamName?: string | null;
  history?: Array<{ at: string; action: string; status?: string | null }>;
  photos?: PhotoView[];
}

/** A failed call: `status` 0 when the server could not be reached; `detail` is the problem's detail. */
/** GET /api/stations/nearest. */
export interface NearestStation {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: { code: string; name: string; community: string; communityName?: string | null; address: string; hours: string; phone?: string | null; staff: string[]; distanceM: number };
}

export class ReportError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly retryAfterS: number | null = null,
  ) {
    super(detail || `HTTP ${status}`);
    this.name = 'ReportError';
  }
}

/** What a failure means to a resident. `photo`: the failure was the photo's upload. */
export function explainError(error: unknown, lang: Lang, photo = false): string {
  if (!(error instanceof ReportError)) return text(lang, 'errorGeneric', { detail: error instanceof Error ? error.message : String(error) });
  const detail = error.detail || `HTTP ${error.status}`;
  if (error.status === 0) return text(lang, 'errorNetwork');
  if (error.status === 429) {
    const wait = error.retryAfterS && error.retryAfterS > 0 && error.retryAfterS < 600
      ? text(lang, 'errorRateSeconds', { s: Math.ceil(error.retryAfterS) })
      : text(lang, 'errorRateWait');
    return text(lang, 'errorRate', { wait });
  }
  if (photo && error.status === 413) return text(lang, 'errorPhotoTooLarge');
  if (photo && error.status === 415) return text(lang, 'errorPhotoType');
  if (photo && error.status === 409) return text(lang, 'errorPhotoClosed', { detail });
  if (error.status >= 500) return text(lang, 'errorServer');
  if (error.status === 400 || error.status === 422) return text(lang, 'errorInvalid', { detail });
  return text(lang, 'errorGeneric', { detail });
}

/** Seconds of a Retry-After header (delta-seconds or an HTTP date); null when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  const s = Number(header);
  if (Number.isFinite(s)) return s >= 0 ? s : null;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, (at - now) / 1000) : null;
}

async function failure(response: Response): Promise<ReportError> {
  let detail = '';
  try {
    const body = (await response.json()) as { detail?: unknown; title?: unknown; errors?: Record<string, unknown> };
    detail = typeof body.detail === 'string' ? body.detail : typeof body.title === 'string' ? body.title : '';
    if (body.errors && typeof body.errors === 'object') {
      const messages = Object.values(body.errors).flat().filter((m): m is string => typeof m === 'string');
      if (messages.length && !messages.every((m) => detail.includes(m))) detail = [detail, ...messages].filter(Boolean).join(' ');
    }
  } catch {
    // no problem body
  }
  return new ReportError(response.status, detail, retryAfterSeconds(response.headers.get('Retry-After')));
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: { Accept: 'application/json', ...(init?.headers ?? {}) } });
  } catch (e) {
    throw new ReportError(0, e instanceof Error ? e.message : String(e));
  }
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

const fixed = (n: number): string => n.toFixed(7);

export const reportApi = {
  categories: () => call<CategoryMajor[]>('/api/report/categories'),
  lamps: (lon: number, lat: number) => call<NearbyLamp[]>(`/api/report/lamps?lon=${fixed(lon)}&lat=${fixed(lat)}`),
  send: (body: ReportRequest) =>
    call<ReportAnswer>('/api/incidents', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  photo(id: number, token: string, photo: Blob) {
    const form = new FormData();
    form.append('file', photo, 'photo.jpg');
    return call<PhotoView>(`/api/incidents/${id}/photos?t=${encodeURIComponent(token)}`, { method: 'POST', body: form });
  },
  /** The community work station nearest to a point (anonymous). */
  nearestStation: (lon: number, lat: number) => call<NearestStation>(`/api/stations/nearest?lon=${fixed(lon)}&lat=${fixed(lat)}`),
  track: (id: number, token: string) => call<TrackedCase>(`/api/report/${id}?t=${encodeURIComponent(token)}`),
};
