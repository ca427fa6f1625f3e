/** Community orders (三单) as a member's phone keeps them, pure: the list and what a hub message does to it. */
import { haversine } from '../geo';

export type OrderStatus = 'open' | 'taken' | 'done' | 'scored' | 'escalated' | 'withdrawn';

/** OrderView of the server (Community/OrderBook.cs). */
export interface OrderView {
  id: number;
  incidentId: number;
  community: string;
  communityName?: string | null;
  status: OrderStatus;
  caseStatus?: string;
  category: string;
  categoryName?: string | null;
  description?: string | null;
  lon: number;
  lat: number;
  distanceM?: number | null;
  openedAt: string;
  openedBy?: string | null;
  escalateAt?: string | null;
  memberId?: number | null;
  memberName?: string | null;
  takenAt?: string | null;
  skillMatch?: boolean | null;
  doneAt?: string | null;
  doneNote?: string | null;
  score?: number | null;
  points?: number | null;
  scoredAt?: string | null;
  closedAt?: string | null;
}

export interface Point {
  lon: number;
  lat: number;
}

/** Whether member `me` keeps this order in their lists: open to take, or their own. */
export function keeps(order: OrderView, me: number | null): boolean {
  return order.status === 'open' || (me !== null && order.memberId === me);
}

/**
 * The list after a hub message (orderOpened / orderChanged) or a fresh read of one order: the order replaces the one
 * with its id, or leaves the list when it is no longer open and not `me`'s (taken by someone else, withdrawn,
 * escalated). A broadcast carries no distance or skill flag of this member: those of the copy held are kept.
 */
export function applyOrder(list: readonly OrderView[], order: OrderView, me: number | null): OrderView[] {
  const old = list.find((o) => o.id === order.id);
  const rest = list.filter((o) => o.id !== order.id);
  if (!keeps(order, me)) return rest;
  const merged: OrderView = {
    ...order,
    distanceM: order.distanceM ?? old?.distanceM ?? null,
    skillMatch: order.skillMatch ?? old?.skillMatch ?? null,
  };
  return [...rest, merged];
}

/** The distance from `here` (metres), or the one the server gave. */
export function distanceOf(order: OrderView, here: Point | null): number | null {
  if (here) return haversine([here.lon, here.lat], [order.lon, order.lat]);
  return order.distanceM ?? null;
}

/** Open orders, nearest first (those of unknown distance last, oldest first among equals). */
export function openOrders(list: readonly OrderView[], here: Point | null): OrderView[] {
  const d = (o: OrderView): number => distanceOf(o, here) ?? Number.POSITIVE_INFINITY;
  return list
    .filter((o) => o.status === 'open')
    .sort((a, b) => d(a) - d(b) || Date.parse(a.openedAt) - Date.parse(b.openedAt) || a.id - b.id);
}

/** `me`'s orders still to do (taken), oldest take first. */
export function myActive(list: readonly OrderView[], me: number | null): OrderView[] {
  return list
    .filter((o) => me !== null && o.memberId === me && o.status === 'taken')
    .sort((a, b) => Date.parse(a.takenAt ?? a.openedAt) - Date.parse(b.takenAt ?? b.openedAt) || a.id - b.id);
}

/** `me`'s finished orders (done, scored, escalated after taking), newest first. */
export function myFinished(list: readonly OrderView[], me: number | null): OrderView[] {
  const at = (o: OrderView): number => Date.parse(o.scoredAt ?? o.doneAt ?? o.takenAt ?? o.openedAt);
  return list
    .filter((o) => me !== null && o.memberId === me && o.status !== 'taken' && o.status !== 'open')
    .sort((a, b) => at(b) - at(a) || b.id - a.id);
}
