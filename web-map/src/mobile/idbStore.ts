import { createStore, get, set } from 'idb-keyval';
import { memoryStore, type Fix, type QueueStore } from './queue';

const KEY = 'fixes';

/** The queue in IndexedDB (database gridgov-m, store queue); in memory where IndexedDB is refused. */
export function idbQueueStore(): QueueStore {
  if (typeof indexedDB === 'undefined') return memoryStore();
  let store: ReturnType<typeof createStore>;
  try {
    store = createStore('gridgov-m', 'queue');
  } catch {
    return memoryStore();
  }
  return {
    load: async () => ((await get<Fix[]>(KEY, store)) ?? []).filter((f) => f && typeof f.t === 'string'),
    save: (fixes) => set(KEY, fixes, store),
  };
}
