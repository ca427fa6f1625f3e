import { allPages, createHttp, type ApiOptions, type Http } from '../api';
import type { CategoryView, MeWithDuty, MonthlyPoints, StationFeature } from '../mobile/api';
import type { OrderView } from '../mobile/orders';
import type { TokenResponse } from '../types';

export type { CategoryView, MonthlyPoints, StationFeature } from '../mobile/api';
export type { OrderView } from '../mobile/orders';

export interface CaseRow {
  id: number;
  status: string;
  category: string;
  categoryName: string;
  source?: string;
  lon: number;
  lat: number;
  reportedAt: string;
  deadline?: string | null;
  overdue?: boolean;
  description?: string | null;
}

export type MemberKind = 'postedOfficer' | 'partyMember' | 'volunteer' | 'buildingHead';
export const MEMBER_KINDS: readonly MemberKind[] = ['postedOfficer', 'partyMember', 'volunteer', 'buildingHead'];

export interface MemberView {
  id: number;
  name: string;
  kind: MemberKind;
  phone?: string | null;
  skills: string[];
  available: boolean;
  communities: string[];
  username?: string | null;
}

export interface MemberRequest {
  name: string;
  kind: MemberKind;
  phone?: string;
  skills: string[];
  available?: boolean;
  communities: string[];
}

export type Party = 'community' | 'officer' | 'property' | 'resident';
export const PARTIES: readonly Party[] = ['community', 'officer', 'property', 'resident'];

export interface MeetingView {
  id: number;
  community: string;
  communityName?: string | null;
  heldOn: string;
  place?: string | null;
  topic: string;
  attendees: Array<{ name: string; party: Party }>;
  issues: Array<{ text: string; incidentId?: number | null; orderId?: number | null }>;
  decisions?: string | null;
  createdBy: string;
  createdAt: string;
}

export interface MeetingRequest {
  community: string;
  heldOn: string;
  place?: string;
  topic: string;
  attendees: Array<{ name: string; party: Party }>;
  issues: Array<{ text: string }>;
  decisions?: string;
}

/** One function per endpoint the community worker's page calls. */
export interface CommunityApi {
  http: Http;
  login(username: string, password: string): Promise<TokenResponse>;
  me(): Promise<MeWithDuty>;
  categories(): Promise<CategoryView[]>;
  stations(): Promise<{ type: 'FeatureCollection'; features: StationFeature[] }>;
  record(body: { clientRequestId: string; category: string; lon: number; lat: number; description?: string; phone?: string }): Promise<{ id: number; status: string }>;
  cases(): Promise<{ items: CaseRow[]; total: number }>;
  order(incidentId: number, body: { community?: string; to: 'pool' | 'team'; takeWithinMinutes?: number }): Promise<OrderView | CaseRow>;
  orders(status: string, community?: string): Promise<OrderView[]>;
  score(id: number, score: number, note?: string): Promise<OrderView>;
  members(community?: string): Promise<MemberView[]>;
  addMember(body: MemberRequest): Promise<MemberView>;
  putMember(id: number, body: MemberRequest): Promise<MemberView>;
  meetings(community?: string): Promise<MeetingView[]>;
  meeting(id: number): Promise<MeetingView>;
  addMeeting(body: MeetingRequest): Promise<MeetingView>;
  raise(id: number, n: number, body: { as: 'order' | 'case'; category: string; lon: number; lat: number }): Promise<{ meeting: MeetingView; incidentId: number; order?: OrderView | null }>;
  monthly(month: string, community?: string): Promise<MonthlyPoints>;
  /** The monthly points as csv or the printable html, fetched with the token. */
  monthlyFile(month: string, format: 'csv' | 'html', community?: string): Promise<Blob>;
}

export function createCommunityApi(options: ApiOptions): CommunityApi {
  const http = createHttp(options);
  const { request } = http;
  const q = (params: Record<string, string | undefined>): string => {
    const s = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => !!e[1])).toString();
    return s ? `?${s}` : '';
  };
  return {
    http,
    login: http.login,
    me: () => request('GET', '/api/me'),
    categories: () => request('GET', '/api/categories'),
    stations: () => request('GET', '/api/stations'),
    record: (body) => request('POST', '/api/incidents', { ...body, source: 'community' }),
    // Every case still to order, page by page as the server links them (a busy community has more than one page).
    cases: () => allPages<CaseRow>(http, '/api/incidents?status=reported,registered,dispatched&pageSize=200'),
    order: (id, body) => request('POST', `/api/incidents/${id}/order`, body),
    orders: (status, community) => request('GET', `/api/orders${q({ status, community, limit: '300' })}`),
    score: (id, score, note) => request('POST', `/api/orders/${id}/score`, note ? { score, note } : { score }),
    members: (community) => request('GET', `/api/members${q({ community })}`),
    addMember: (body) => request('POST', '/api/members', body),
    putMember: (id, body) => request('PUT', `/api/members/${id}`, body),
    meetings: (community) => request('GET', `/api/meetings${q({ community })}`),
    meeting: (id) => request('GET', `/api/meetings/${id}`),
    addMeeting: (body) => request('POST', '/api/meetings', body),
    raise: (id, n, body) => request('POST', `/api/meetings/${id}/issues/${n}/raise`, body),
    monthly: (month, community) => request('GET', `/api/points/monthly${q({ month, community })}`),
    async monthlyFile(month, format, community) {
      const response = await http.send(`/api/points/monthly${q({ month, community, format })}`, { method: 'GET' }, true);
      if (!response.ok) return http.fail(response, true);
      return response.blob();
    },
  };
}
