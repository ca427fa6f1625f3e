import { describe, expect, it } from 'vitest';
import { applyOrder, myActive, myFinished, openOrders, type OrderView } from './orders';

const order = (id: number, patch: Partial<OrderView> = {}): OrderView => ({
  id, incidentId: 100 + id, community: 'C1', status: 'open', category: '0601', lon: 115, lat: 26,
  openedAt: `2026-12-01T08:0${id % 10}:00Z`, ...patch,
});

describe('applyOrder', () => {
  it('adds an opened order', () => {
    expect(applyOrder([], order(1), 7).map((o) => o.id)).toEqual([1]);
  });

  it('drops an order another member took', () => {
    const list = [order(1), order(2)];
    const next = applyOrder(list, order(1, { status: 'taken', memberId: 8, memberName: 'B' }), 7);
    expect(next.map((o) => o.id)).toEqual([2]);
  });

  it('keeps the order I took, as taken', () => {
    const next = applyOrder([order(1)], order(1, { status: 'taken', memberId: 7 }), 7);
    expect(next).toHaveLength(1);
    expect(next[0]!.status).toBe('taken');
    expect(myActive(next, 7).map((o) => o.id)).toEqual([1]);
  });

  it('drops withdrawn and escalated orders that were not mine', () => {
    expect(applyOrder([order(1)], order(1, { status: 'withdrawn' }), 7)).toEqual([]);
    expect(applyOrder([order(1)], order(1, { status: 'escalated' }), 7)).toEqual([]);
  });

  it('keeps the distance and skill flag it had when the broadcast has none', () => {
    const next = applyOrder([order(1, { distanceM: 300, skillMatch: false })], order(1, { description: 'x' }), 7);
    expect(next[0]).toMatchObject({ distanceM: 300, skillMatch: false, description: 'x' });
  });

  it('ignores a change of an order it never had that is not mine', () => {
    expect(applyOrder([order(1)], order(5, { status: 'taken', memberId: 8 }), 7).map((o) => o.id)).toEqual([1]);
  });

  it('without a member id keeps only open orders', () => {
    expect(applyOrder([], order(1, { status: 'taken', memberId: 7 }), null)).toEqual([]);
  });
});

describe('lists', () => {
  it('sorts open orders nearest first from here', () => {
    const list = [order(1, { lon: 115.02 }), order(2, { lon: 115.001 }), order(3, { lon: 115.01 })];
    expect(openOrders(list, { lon: 115, lat: 26 }).map((o) => o.id)).toEqual([2, 3, 1]);
  });

  it('uses the server distance without a position, unknown last', () => {
    const list = [order(1), order(2, { distanceM: 500 }), order(3, { distanceM: 100 })];
    expect(openOrders(list, null).map((o) => o.id)).toEqual([3, 2, 1]);
  });

  it('splits my orders into to do and finished, newest finished first', () => {
    const list = [
      order(1, { status: 'taken', memberId: 7, takenAt: '2026-12-01T09:00:00Z' }),
      order(2, { status: 'done', memberId: 7, doneAt: '2026-12-01T10:00:00Z' }),
      order(3, { status: 'scored', memberId: 7, scoredAt: '2026-12-01T11:00:00Z', score: 5, points: 10 }),
      order(4, { status: 'taken', memberId: 8 }),
      order(5),
    ];
    expect(myActive(list, 7).map((o) => o.id)).toEqual([1]);
    expect(myFinished(list, 7).map((o) => o.id)).toEqual([3, 2]);
  });
});
