import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Http } from '../api';
import type { GridLevel, GridProperties, LocateResult } from '../types';
import type {
  BalanceRow,
  CompareResult,
  EditBody,
  EditResult,
  ExportFormat,
  HistoryEntry,
  ImportParams,
  ImportResult,
  NewPlanRequest,
  Plan,
  PublishResult,
  UndoResult,
  ValidationResult,
} from './types';

export interface PlanGridProperties extends GridProperties {
  areaM2?: number | null;
  /** Set by preparePlanGrids: the fill of the grid's large grid. */
  color?: string;
}
export type PlanGridCollection = FeatureCollection<Polygon | MultiPolygon, PlanGridProperties>;

export interface ExportedFile {
  blob: Blob;
  filename: string;
}

/** One function per plans endpoint; every failure is an ApiError (a 409's body stays in `problem`). */
export interface PlannerApi {
  plans(): Promise<Plan[]>;
  plan(id: number): Promise<Plan>;
  createPlan(body: NewPlanRequest): Promise<Plan>;
  grids(id: number, level: GridLevel): Promise<PlanGridCollection>;
  locate(id: number, lon: number, lat: number): Promise<LocateResult>;
  importGrids(id: number, params: ImportParams, baseVersion: number, file: Blob, filename: string): Promise<ImportResult>;
  edit(id: number, body: EditBody): Promise<EditResult>;
  undo(id: number, baseVersion: number): Promise<UndoResult>;
  redo(id: number, baseVersion: number): Promise<UndoResult>;
  history(id: number): Promise<HistoryEntry[]>;
  validation(id: number): Promise<ValidationResult>;
  balance(id: number): Promise<BalanceRow[]>;
  compare(id: number, withId: number): Promise<CompareResult>;
  publish(id: number, baseVersion: number): Promise<PublishResult>;
  exportFile(id: number, level: GridLevel, format: ExportFormat): Promise<ExportedFile>;
}

const seg = (value: string | number): string => encodeURIComponent(String(value));

/** `?a=1&b=x` from the entries whose value is not empty; '' when none is left. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && String(v).trim() !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v).trim())}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

export function importPath(id: number, params: ImportParams, baseVersion: number): string {
  return `/api/plans/${seg(id)}/import${query({
    level: params.level,
    crs: params.crs,
    codeField: params.codeField,
    nameField: params.nameField,
    parentField: params.parentField,
    baseVersion,
  })}`;
}

const EXTENSIONS: Record<ExportFormat, string> = { geojson: 'geojson', shapefile: 'zip', geopackage: 'gpkg' };

/** The file name from Content-Disposition (filename* first), else `plan-{id}-{level}.{ext}`. */
export function exportFilename(disposition: string | null, id: number, level: GridLevel, format: ExportFormat): string {
  const star = disposition?.match(/filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star.trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = disposition?.match(/filename\s*=\s*("?)([^";]+)\1/i)?.[2];
  return plain?.trim() || `plan-${id}-${level}.${EXTENSIONS[format]}`;
}

export function createPlannerApi(http: Http): PlannerApi {
  const r = http.request.bind(http);
  const plan = (id: number): string => `/api/plans/${seg(id)}`;
  return {
    plans: () => r('GET', '/api/plans'),
    plan: (id) => r('GET', plan(id)),
    createPlan: (body) => r('POST', '/api/plans', body),
    grids: (id, level) => r('GET', `${plan(id)}/grids${query({ level })}`),
    locate: (id, lon, lat) => r('GET', `${plan(id)}/locate${query({ lon: lon.toFixed(7), lat: lat.toFixed(7) })}`),
    importGrids(id, params, baseVersion, file, filename) {
      const form = new FormData();
      form.append('file', file, filename);
      return r('POST', importPath(id, params, baseVersion), form);
    },
    edit: (id, body) => r('POST', `${plan(id)}/edits`, body),
    undo: (id, baseVersion) => r('POST', `${plan(id)}/undo`, { baseVersion }),
    redo: (id, baseVersion) => r('POST', `${plan(id)}/redo`, { baseVersion }),
    history: (id) => r('GET', `${plan(id)}/history`),
    validation: (id) => r('GET', `${plan(id)}/validation`),
    balance: (id) => r('GET', `${plan(id)}/balance`),
    compare: (id, withId) => r('GET', `${plan(id)}/compare${query({ with: withId })}`),
    publish: (id, baseVersion) => r('POST', `${plan(id)}/publish`, { baseVersion }),
    async exportFile(id, level, format) {
      const response = await http.send(`${plan(id)}/export${query({ level, format })}`, { method: 'GET' }, true);
      if (!response.ok) return http.fail(response, true);
      return { blob: await response.blob(), filename: exportFilename(response.headers.get('content-disposition'), id, level, format) };
    },
  };
}
