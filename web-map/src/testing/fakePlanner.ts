import { vi } from 'vitest';
import { I18n } from '../i18n';
import { createPlannerController, type PlannerMapSink } from '../planner/controller';
import type { PlanGridCollection, PlannerApi } from '../planner/plannerApi';
import type { Plan } from '../planner/types';
import { MemoryStorage } from '../ready';

/** A planner controller over a fake plans API (a published plan 1 and a draft 2) and a fake map, for tests. */
export const published: Plan = { id: 1, name: '现行方案', status: 'published', version: 3, createdAt: '2026-01-01T00:00:00Z' };
export const draft: Plan = { id: 2, name: '调整草稿', status: 'draft', version: 7, basedOnId: 1, createdAt: '2026-11-01T00:00:00Z' };

const square = (x: number): GeoJSON.Polygon => ({ type: 'Polygon', coordinates: [[[x, 0], [x + 1, 0], [x + 1, 1], [x, 1], [x, 0]]] });
const large: PlanGridCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: square(0), properties: { code: 'L01', name: '一', level: 'large', teamId: 1, teamName: '一队' } },
    { type: 'Feature', geometry: square(1), properties: { code: 'L02', name: '二', level: 'large', teamId: 2, teamName: '二队' } },
  ],
};
const unit: PlanGridCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: square(0), properties: { code: 'U1', name: '单元一', level: 'unit', parentCode: 'L01' } },
    { type: 'Feature', geometry: square(1), properties: { code: 'U2', name: '单元二', level: 'unit', parentCode: 'L02' } },
  ],
};

export function setupPlanner(over: Partial<PlannerApi> = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  let serverDraft = { ...draft };
  const base: PlannerApi = {
    plans: async () => [published, serverDraft],
    plan: async (id) => (id === 1 ? published : serverDraft),
    createPlan: async (b) => ({ ...draft, id: 5, name: b.name, version: 1 }),
    grids: async (_id, level) => (level === 'large' ? large : unit),
    locate: async () => { throw new Error('unused'); },
    importGrids: async () => ({ level: 'unit', created: 2, updated: 0, removed: 0, version: 8 }),
    edit: async (_id, body) => ({ version: body.baseVersion + 1, edit: { seq: 1, op: body.op, summary: `did ${body.op}`, actor: 'planner', at: '2026-12-01T00:00:00Z' }, changed: ['U1'], removed: [] }),
    undo: async (_id, v) => ({ version: v + 1, edit: { seq: 1, op: 'assign', summary: 'x', actor: 'planner', at: '' } }),
    redo: async (_id, v) => ({ version: v + 1, edit: { seq: 1, op: 'assign', summary: 'x', actor: 'planner', at: '' } }),
    history: async () => [],
    validation: async () => ({ valid: false, problems: [{ kind: 'gap', codes: ['U1', 'U2'], detail: '3 m', geometry: { type: 'Point', coordinates: [1, 0.5] } }] }),
    balance: async (id) => [{ code: 'L01', areaKm2: 1, unitGrids: id === 1 ? 2 : 1, buildings: 1, incidents12m: 1, deviation: 0 }],
    compare: async () => ({ added: [], removed: [], reshaped: [], openIncidentsMoving: [{ incidentId: 9, fromTeamId: 1, toTeamId: 2 }, { incidentId: 10, fromTeamId: 1, toTeamId: 2 }], buildingsChangingTeam: 4 }),
    publish: async (id) => ({ plan: { ...serverDraft, id, status: 'published' }, rerouted: 2, archivedPlanId: 1 }),
    exportFile: async () => ({ blob: new Blob(['x']), filename: 'x.geojson' }),
  };
  const api = {} as PlannerApi;
  for (const name of Object.keys(base) as Array<keyof PlannerApi>) {
    (api as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      calls.push([name, ...args]);
      return ((over[name] ?? base[name]) as (...a: unknown[]) => unknown)(...args);
    };
  }
  const sink: PlannerMapSink = { grids: vi.fn(), problems: vi.fn(), highlight: vi.fn(), compare: vi.fn(), tool: vi.fn(), outline: vi.fn(() => null) };
  const c = createPlannerController({ api, i18n: new I18n(new MemoryStorage()), describe: (e) => (e instanceof Error ? e.message : String(e)), sink, redraw: vi.fn(), download: vi.fn() });
  return { c, calls, sink, setServer: (p: Partial<Plan>) => (serverDraft = { ...serverDraft, ...p }) };
}

