import type { KeyValueStorage } from './auth';

/** The browser's localStorage / sessionStorage, or a MemoryStorage where it is blocked (private mode, sandboxed frame). */
export function browserStorage(kind: 'localStorage' | 'sessionStorage'): KeyValueStorage {
  try {
    const s = window[kind];
    s.getItem('gridgov.probe');
    return s;
  } catch {
    return new MemoryStorage();
  }
}

/** A promise with its resolve/reject exposed, remembering whether it has settled. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolveFn!: (value: T) => void;
  let rejectFn!: (reason: unknown) => void;
  let settled = false;
  const promise = new Promise<T>((res, rej) => {
    resolveFn = res;
    rejectFn = rej;
  });
  // Nobody may be waiting: keep a rejection from being reported as unhandled.
  promise.catch(() => undefined);
  return {
    promise,
    get settled() {
      return settled;
    },
    resolve(value) {
      if (settled) return;
      settled = true;
      resolveFn(value);
    },
    reject(reason) {
      if (settled) return;
      settled = true;
      rejectFn(reason);
    },
  };
}

/** In-memory stand-in when the browser refuses web storage (and for tests). */
export class MemoryStorage {
  private readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, String(value));
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
}
