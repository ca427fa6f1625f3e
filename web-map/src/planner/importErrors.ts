/** A bad import file's 400, pure: the `errors` of the problem as rows per feature ("feature 3 (360730001001003)", "file"). */

export interface ImportErrorRow {
  /** The `errors` key as the server sent it (kept for tests and as a title). */
  key: string;
  /** 1-based feature number, or null for the file as a whole. */
  feature: number | null;
  /** The feature's grid code when it has one ("feature 3 (360730001001003)"), else ''; for a key without a feature, the key. */
  code: string;
  messages: string[];
}

const FEATURE_KEY = /^\s*feature\s*#?\s*(\d+)\s*(?:\((.*)\)|[.:]\s*(.*))?\s*$/i;

export function parseImportKey(key: string): Pick<ImportErrorRow, 'feature' | 'code'> {
  const m = key.match(FEATURE_KEY);
  if (m) return { feature: Number(m[1]), code: (m[2] ?? m[3] ?? '').trim() };
  const other = key.trim();
  return { feature: null, code: other.toLowerCase() === 'file' ? '' : other };
}

/** File-level messages first, then by feature number and code. */
export function importErrorRows(errors: Readonly<Record<string, readonly string[]>>): ImportErrorRow[] {
  return Object.entries(errors)
    .map(([key, messages]) => ({ key, ...parseImportKey(key), messages: [...messages] }))
    .sort((a, b) => {
      if (a.feature === null || b.feature === null) return a.feature === b.feature ? a.code.localeCompare(b.code) : a.feature === null ? -1 : 1;
      return a.feature - b.feature || a.code.localeCompare(b.code);
    });
}

/** Import file types the server reads, for the file input's `accept`. */
export const IMPORT_ACCEPT = '.geojson,.json,.zip,.gpkg,application/geo+json,application/json,application/zip';
