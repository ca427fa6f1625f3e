import { createHttp, type ApiOptions, type Http } from '../api';
import type { IncidentDetail, Me, PhotoView, TokenResponse } from '../types';
import type { OrderView } from './orders';

export type { PhotoView } from '../types';

/** A case as the phone reads it (GET /api/incidents/{id}, with its photos and whether handling needs one). */
export type CaseDetail = IncidentDetail;

export interface CaseSummary {
  id: number;
  status: string;
  category: string;
  categoryName: string;
  lon: number;
  lat: number;
  reportedAt: string;
  deadline?: string | null;
  overdue: boolean;
  description?: string | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** GET /api/offers item. */
export interface OfferView {
  id: number;
  incidentId: number;
  crewId: number;
  status: string;
  offeredAt: string;
  expiresAt: string;
  distanceM?: number | null;
  etaS?: number | null;
  byRoad?: boolean;
}

/** The hub's `offer` message (OfferMessage in Live/LiveNotifier.cs). */
export interface OfferMessage {
  offerId: number;
  incidentId: number;
  categoryCode: string;
  categoryName?: string | null;
  lon: number;
  lat: number;
  expiresAt: string;
  distanceM?: number | null;
  etaS?: number | null;
  byRoad?: boolean;
}

export interface NearbyIncident {
  id: number;
  status: string;
  categoryCode: string;
  categoryName?: string | null;
  lon: number;
  lat: number;
  distanceM: number;
  etaS: number;
  byRoad: boolean;
}

export interface WorkLogCase {
  incidentId: number;
  category: string;
  categoryName: string;
  at: string;
  action: string;
  note?: string | null;
}

export interface WorkLog {
  crewId: number;
  crew: string;
  date: string;
  found: WorkLogCase[];
  handled: WorkLogCase[];
  patrolDistanceM?: number | null;
  points?: number | null;
  monthPoints?: number | null;
}

export interface CategoryView {
  code: string;
  major: string;
  majorName?: string;
  name: string;
  nameEn?: string;
  role?: string;
  active?: boolean;
}

export interface RouteFeature {
  type: 'Feature';
  geometry: { type: 'LineString'; coordinates: [number, number][] };
  properties: { distanceM: number; etaS: number; byRoad: boolean };
}

export interface Created {
  id: number;
  status: string;
}

export interface DutyAnswer {
  crewId: number;
  onDuty: boolean;
  since?: string;
}

export type MeWithDuty = Me & { onDuty?: boolean; memberId?: number | null; memberName?: string | null; communities?: string[] | null; available?: boolean | null };

/** GET /api/points/monthly row. */
export interface MemberPoints {
  rank: number;
  memberId: number;
  name: string;
  kind: string;
  community: string;
  orders: number;
  averageScore?: number | null;
  points: number;
}

export interface MonthlyPoints {
  month: string;
  community?: string | null;
  communityName?: string | null;
  members: MemberPoints[];
  totalPoints: number;
  totalOrders: number;
}

/** GET /api/stations feature. */
export interface StationFeature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: { code: string; name: string; community: string; communityName?: string; address: string; hours: string; phone?: string | null; staff: string[]; distanceM?: number };
}

export interface MobileApi {
  http: Http;
  login(username: string, password: string): Promise<TokenResponse>;
  me(): Promise<MeWithDuty>;
  duty(crewId: number, onDuty: boolean): Promise<DutyAnswer>;
  offers(): Promise<OfferView[]>;
  acceptOffer(id: number): Promise<OfferView>;
  declineOffer(id: number, reason?: string): Promise<OfferView>;
  myCases(): Promise<Page<CaseSummary>>;
  incident(id: number): Promise<CaseDetail>;
  transition(id: number, action: string, note?: string): Promise<CaseDetail>;
  photos(id: number): Promise<PhotoView[]>;
  uploadPhoto(id: number, photo: Blob, kind: 'before' | 'after'): Promise<PhotoView>;
  /** The image at `url` (a photo's url or thumbUrl) with the Bearer header. */
  photoBlob(url: string): Promise<Blob>;
  nearest(crewId: number): Promise<NearbyIncident[]>;
  route(id: number, from?: { lon: number; lat: number }): Promise<RouteFeature>;
  worklog(crewId: number, date: string): Promise<WorkLog>;
  categories(): Promise<CategoryView[]>;
  report(body: { clientRequestId: string; category: string; lon: number; lat: number; description?: string }): Promise<Created>;
  /** GET /api/orders (a member: open ones of their communities and their own), nearest first from `near`. */
  orders(status: string, near?: { lon: number; lat: number } | null, mine?: boolean): Promise<OrderView[]>;
  order(id: number): Promise<OrderView>;
  takeOrder(id: number): Promise<OrderView>;
  orderDone(id: number, note?: string): Promise<OrderView>;
  setAvailable(available: boolean): Promise<{ available: boolean }>;
  monthlyPoints(community?: string | null): Promise<MonthlyPoints>;
  stations(): Promise<{ type: 'FeatureCollection'; features: StationFeature[] }>;
}

export function createMobileApi(options: ApiOptions): MobileApi {
  const http = createHttp(options);
  const { request } = http;
  const inc = (id: number): string => `/api/incidents/${encodeURIComponent(String(id))}`;
  return {
    http,
    login: http.login,
    me: () => request('GET', '/api/me'),
    duty: (crewId, onDuty) => request('POST', `/api/crews/${crewId}/duty`, { onDuty }),
    offers: () => request('GET', '/api/offers'),
    acceptOffer: (id) => request('POST', `/api/offers/${id}/accept`, {}),
    declineOffer: (id, reason) => request('POST', `/api/offers/${id}/decline`, reason ? { reason } : {}),
    myCases: () => request('GET', '/api/incidents?mine=true&pageSize=100'),
    incident: (id) => request('GET', inc(id)),
    transition: (id, action, note) => request('POST', `${inc(id)}/transitions`, note ? { action, note } : { action }),
    photos: (id) => request('GET', `${inc(id)}/photos`),
    uploadPhoto(id, photo, kind) {
      const form = new FormData();
      form.append('file', photo, 'photo.jpg');
      form.append('kind', kind);
      return request('POST', `${inc(id)}/photos`, form);
    },
    async photoBlob(url) {
      const response = await http.send(url, { method: 'GET', headers: { Accept: 'image/*' } }, true);
      if (!response.ok) return http.fail(response, true);
      return response.blob();
    },
    nearest: (crewId) => request('GET', `/api/crews/${crewId}/nearest-incidents?limit=5`),
    route: (id, from) =>
      request('GET', from ? `${inc(id)}/route?lon=${from.lon.toFixed(7)}&lat=${from.lat.toFixed(7)}` : `${inc(id)}/route`),
    worklog: (crewId, date) => request('GET', `/api/crews/${crewId}/worklog?date=${date}`),
    categories: () => request('GET', '/api/categories'),
    report: (body) => request('POST', '/api/incidents', { ...body, source: 'patrol' }),
    orders(status, near, mine) {
      const q = new URLSearchParams({ status, limit: '200' });
      if (near) {
        q.set('lon', near.lon.toFixed(7));
        q.set('lat', near.lat.toFixed(7));
      }
      if (mine) q.set('mine', 'true');
      return request('GET', `/api/orders?${q}`);
    },
    order: (id) => request('GET', `/api/orders/${id}`),
    takeOrder: (id) => request('POST', `/api/orders/${id}/take`, {}),
    orderDone: (id, note) => request('POST', `/api/orders/${id}/done`, note ? { note } : {}),
    setAvailable: (available) => request('POST', '/api/members/me/availability', { available }),
    monthlyPoints: (community) => request('GET', `/api/points/monthly${community ? `?community=${encodeURIComponent(community)}` : ''}`),
    stations: () => request('GET', '/api/stations'),
  };
}
