import { describe, expect, it } from 'vitest';
import { FixQueue, insertOrdered, memoryStore, nextBatch, retryable, type Fix, type PositionsResponse } from './queue';

const fix = (s: number, lon = 115.4): Fix => ({ crewId: 1, lon, lat: 25.95, t: new Date(Date.UTC(2026, 11, 1, 8, 0, s)).toISOString(), accuracyM: 5 });
const ok = (batch: Fix[]): PositionsResponse => ({
  accepted: batch.length, duplicates: 0, rejected: 0, results: batch.map((_, index) => ({ index, status: 'accepted' })),
});

describe('insertOrdered', () => {
  it('keeps the list in time order, a late-arriving older fix going before newer ones', () => {
    const list: Fix[] = [];
    for (const s of [1, 3, 2, 5, 4]) insertOrdered(list, fix(s));
    expect(list.map((f) => f.t)).toEqual([1, 2, 3, 4, 5].map((s) => fix(s).t));
  });
  it('puts a fix of the same time after the ones there', () => {
    const a = fix(1, 1);
    const b = fix(1, 2);
    expect(insertOrdered([a], b)).toEqual([a, b]);
  });
});

describe('nextBatch', () => {
  it('takes the oldest, at most the batch size and never more than the server allows', () => {
    const list = Array.from({ length: 2500 }, (_, i) => fix(i));
    expect(nextBatch(list, 10)).toEqual(list.slice(0, 10));
    expect(nextBatch(list, 5000)).toHaveLength(1000);
    expect(nextBatch(list.slice(0, 3))).toHaveLength(3);
  });
});

describe('retryable', () => {
  it('keeps the batch when there was no answer, nothing once the server answered (rejected included)', () => {
    const batch = [fix(1), fix(2)];
    expect(retryable(batch, null)).toEqual(batch);
    expect(retryable(batch, { accepted: 1, duplicates: 0, rejected: 1, results: [{ index: 0, status: 'accepted' }, { index: 1, status: 'rejected', reason: 'outOfOrder' }] })).toEqual([]);
  });
});

describe('FixQueue', () => {
  it('sends oldest first in batches and empties the store', async () => {
    const store = memoryStore();
    const sent: Fix[][] = [];
    const q = new FixQueue({ store, canSend: () => true, batchSize: 2, send: async (b) => (sent.push(b), ok(b)) });
    for (const s of [3, 1, 2, 4, 5]) await q.add(fix(s));
    expect(await q.flush()).toBe(5);
    expect(sent.map((b) => b.map((f) => f.t))).toEqual([[fix(1).t, fix(2).t], [fix(3).t, fix(4).t], [fix(5).t]]);
    expect(q.length).toBe(0);
    expect(store.saved).toEqual([]);
  });

  it('keeps everything while it cannot send, and replays it in order with the original times afterwards', async () => {
    const store = memoryStore();
    let online = false;
    const sent: Fix[] = [];
    const q = new FixQueue({ store, canSend: () => online, send: async (b) => (sent.push(...b), ok(b)) });
    for (const s of [10, 20, 30]) await q.add(fix(s));
    expect(await q.flush()).toBe(0);
    expect(store.saved.map((f) => f.t)).toEqual([fix(10).t, fix(20).t, fix(30).t]);
    online = true;
    expect(await q.flush()).toBe(3);
    expect(sent.map((f) => f.t)).toEqual([fix(10).t, fix(20).t, fix(30).t]);
  });

  it('stops at a failed send and leaves the batch at the front', async () => {
    let fail = true;
    const sent: Fix[][] = [];
    const q = new FixQueue({
      store: memoryStore(), canSend: () => true, batchSize: 2,
      send: async (b) => {
        if (fail) throw new Error('hub down');
        sent.push(b);
        return ok(b);
      },
    });
    for (const s of [1, 2, 3]) await q.add(fix(s));
    expect(await q.flush()).toBe(0);
    expect(q.length).toBe(3);
    fail = false;
    expect(await q.flush()).toBe(3);
    expect(sent[0]!.map((f) => f.t)).toEqual([fix(1).t, fix(2).t]);
  });

  it('reads what an earlier page left in the store and keeps a fix added meanwhile in order', async () => {
    const store = memoryStore([fix(1), fix(2)]);
    const q = new FixQueue({ store, canSend: () => false, send: async (b) => ok(b) });
    await q.add(fix(3));
    await q.whenLoaded();
    expect(q.snapshot().map((f) => f.t)).toEqual([fix(1).t, fix(2).t, fix(3).t]);
  });

  it('does not queue the same fix twice (a reopened page gets the cached position again)', async () => {
    const q = new FixQueue({ store: memoryStore([fix(1), fix(2)]), canSend: () => false, send: async (b) => ok(b) });
    await q.add(fix(2));
    await q.add(fix(1));
    await q.add(fix(3));
    expect(q.snapshot().map((f) => f.t)).toEqual([fix(1).t, fix(2).t, fix(3).t]);
  });

  it('does not lose a fix added while a batch is in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sent: Fix[][] = [];
    const q = new FixQueue({ store: memoryStore(), canSend: () => true, send: async (b) => (await gate, sent.push(b), ok(b)) });
    await q.add(fix(1));
    const flushing = q.flush();
    await Promise.resolve();
    await q.add(fix(2));
    release();
    // The fix added meanwhile goes in the next batch of the same flush.
    expect(await flushing).toBe(2);
    expect(sent.map((b) => b.map((f) => f.t))).toEqual([[fix(1).t], [fix(2).t]]);
    expect(q.length).toBe(0);
  });
});
