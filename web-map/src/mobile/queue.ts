/**
 * The offline queue of position fixes: every fix the phone takes goes in here first (kept in IndexedDB, so it
 * survives a reload or a dead battery), and is sent to the hub oldest first, in batches, whenever the connection is
 * up. The server refuses a fix older than the crew's latest one ("outOfOrder"), so nothing newer may overtake a
 * queued fix: there is no side path that sends straight away.
 */

/** One fix as the hub's `Report(fixes)` takes it; `t` is the fix's own time (ISO 8601), not the time it is sent. */
export interface Fix {
  crewId: number;
  lon: number;
  lat: number;
  t: string;
  accuracyM?: number;
}

/** One item's verdict in the hub's answer (PositionsResponse.results). */
export interface PositionResult {
  index: number;
  crewId?: number | null;
  status: 'accepted' | 'duplicate' | 'rejected' | string;
  reason?: string | null;
  detail?: string | null;
}

/** What `Report` answers (src/GridGov.Api/Live/PositionIngest.cs). */
export interface PositionsResponse {
  accepted: number;
  duplicates: number;
  rejected: number;
  results: PositionResult[];
}

/** Where the queue is kept; tests pass a memory store. */
export interface QueueStore {
  load(): Promise<Fix[]>;
  save(fixes: Fix[]): Promise<void>;
}

/** The server's LiveSettings.MaxBatch is 1000; a phone on 3G sends far fewer at once. */
export const BATCH_SIZE = 100;
/** Send when this many fixes wait, or every FLUSH_INTERVAL_MS, whichever comes first. */
export const FLUSH_AT = 10;
export const FLUSH_INTERVAL_MS = 5_000;
/** A week of one fix per 5 s is ~120,000; past this the oldest are dropped (the server keeps 30 days anyway). */
export const MAX_QUEUED = 50_000;

/** Inserts `fix` keeping the list ordered by time (a fix equal in time goes after the ones there); returns the list. */
export function insertOrdered(list: Fix[], fix: Fix): Fix[] {
  const t = Date.parse(fix.t);
  let i = list.length;
  while (i > 0 && Date.parse(list[i - 1]!.t) > t) i--;
  list.splice(i, 0, fix);
  return list;
}

/** Whether `list` (in time order) holds a fix of the same crew at the same time. */
export function hasFix(list: readonly Fix[], fix: Fix): boolean {
  const t = Date.parse(fix.t);
  for (let i = list.length - 1; i >= 0; i--) {
    const other = Date.parse(list[i]!.t);
    if (other < t) return false;
    if (other === t && list[i]!.crewId === fix.crewId) return true;
  }
  return false;
}

/** The next batch to send: the oldest `size` fixes (at least 1, at most the server's limit). */
export function nextBatch(list: readonly Fix[], size = BATCH_SIZE): Fix[] {
  return list.slice(0, Math.max(1, Math.min(size, 1000)));
}

/**
 * The fixes of a sent batch that are worth sending again: none, once the server answered (accepted and duplicate
 * are stored; a rejected fix — out of order, too fast, poor accuracy, too old — would be rejected again).
 */
export function retryable(batch: readonly Fix[], response: PositionsResponse | null | undefined): Fix[] {
  return response && Array.isArray(response.results) ? [] : [...batch];
}

export type Sender = (batch: Fix[]) => Promise<PositionsResponse>;

export interface FixQueueOptions {
  store: QueueStore;
  /** Sends one batch; throws when the hub is down (the batch stays queued). */
  send: Sender;
  /** False while the phone is offline or the hub is not connected: nothing is tried. */
  canSend: () => boolean;
  batchSize?: number;
  /** Called after every change of the queue's length. */
  changed?: (length: number) => void;
  /** Called with every answer (for the UI's "last sent" and the tests). */
  answered?: (batch: Fix[], response: PositionsResponse) => void;
}

export class FixQueue {
  private items: Fix[] = [];
  private loaded: Promise<void>;
  private flushing: Promise<number> | null = null;
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly options: FixQueueOptions) {
    this.loaded = options.store.load().then(
      (stored) => {
        // Fixes taken before the store answered go after the stored ones, each in time order.
        const early = this.items;
        this.items = [];
        for (const f of Array.isArray(stored) ? stored : []) insertOrdered(this.items, f);
        for (const f of early) insertOrdered(this.items, f);
        options.changed?.(this.items.length);
      },
      () => undefined,
    );
  }

  get length(): number {
    return this.items.length;
  }

  /** A copy of what waits, oldest first. */
  snapshot(): Fix[] {
    return [...this.items];
  }

  /** Resolves once the stored queue has been read. */
  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  /**
   * Queues a fix; the same fix again (same crew and time: a reopened page is handed the browser's cached position)
   * is not queued twice.
   */
  async add(fix: Fix): Promise<void> {
    await this.loaded;
    if (hasFix(this.items, fix)) return;
    insertOrdered(this.items, fix);
    if (this.items.length > MAX_QUEUED) this.items.splice(0, this.items.length - MAX_QUEUED);
    this.options.changed?.(this.items.length);
    await this.persist();
  }

  /** Whether enough waits to send now rather than at the next tick. */
  get due(): boolean {
    return this.items.length >= FLUSH_AT;
  }

  /**
   * Sends everything that waits, batch after batch, oldest first; stops at the first failure (the rest stays for
   * the next try). Resolves the number of fixes the server answered for. One flush runs at a time.
   */
  flush(): Promise<number> {
    if (this.flushing) return this.flushing;
    const run = (async () => {
      await this.loaded;
      let sent = 0;
      while (this.items.length > 0 && this.options.canSend()) {
        const batch = nextBatch(this.items, this.options.batchSize);
        let response: PositionsResponse;
        try {
          response = await this.options.send(batch);
        } catch {
          break;
        }
        // Drop the answered fixes by identity: a fix added meanwhile stays wherever its time put it.
        const keep = retryable(batch, response);
        const done = new Set(batch.filter((f) => !keep.includes(f)));
        this.items = this.items.filter((f) => !done.has(f));
        sent += batch.length - keep.length;
        this.options.changed?.(this.items.length);
        this.options.answered?.(batch, response);
        await this.persist();
        if (keep.length > 0) break;
      }
      return sent;
    })();
    this.flushing = run.finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /** Forgets everything (sign-out of another crew on this phone). */
  async clear(): Promise<void> {
    this.items = [];
    this.options.changed?.(0);
    await this.persist();
  }

  private persist(): Promise<void> {
    const copy = [...this.items];
    this.saving = this.saving.then(() => this.options.store.save(copy)).catch(() => undefined);
    return this.saving;
  }
}

/** A store in memory (tests, and the fallback when IndexedDB is refused). */
export function memoryStore(initial: Fix[] = []): QueueStore & { saved: Fix[] } {
  const store = {
    saved: [...initial],
    load: async () => [...store.saved],
    save: async (fixes: Fix[]) => {
      store.saved = [...fixes];
    },
  };
  return store;
}
