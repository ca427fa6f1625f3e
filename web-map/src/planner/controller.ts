import type { LineString, Position } from 'geojson';
import { ApiError } from '../api';
import type { I18n, StringKey } from '../i18n';
import type { GridLevel } from '../types';
import { buildEdit, type EditInput } from './edits';
import { findGrid, preparePlanGrids, type PlanGridData } from './planGrids';
import type { PlannerApi } from './plannerApi';
import { problemItems, type ProblemItem } from './problems';
import { initialState, isDraft, latestDraft, newImportForm, publishedPlan, type PlannerState, type PlannerTab } from './state';
import { clickGrid, initialTool, toolEdit, type ClickedGrid, type ToolId, type ToolState } from './tools';
import type { EditResult, ExportFormat, Plan, Problem } from './types';
import { advance, classifyConflict, isConflict, LoadTickets } from './version';

/** What the controller asks of the map: draw these, fly there, run the drawing tool the state says. */
export interface PlannerMapSink {
  grids(data: PlanGridData | null): void;
  problems(items: ReadonlyArray<ProblemItem & { problem: Problem }>): void;
  highlight(item: (ProblemItem & { problem: Problem }) | null): void;
  compare(result: PlannerState['compare']['result']): void;
  tool(tool: ToolState, grids: PlanGridData | null): void;
  /** The reshape tool's outline as edited now. */
  outline(): Position[] | null;
}

export interface PlannerControllerOptions {
  api: PlannerApi;
  i18n: I18n;
  describe(error: unknown): string;
  sink: PlannerMapSink;
  redraw(): void;
  download(blob: Blob, filename: string): void;
}

export type PlannerController = ReturnType<typeof createPlannerController>;

export function createPlannerController(options: PlannerControllerOptions) {
  const { api, i18n, describe, sink } = options;
  let state: PlannerState = initialState();
  const tickets = new LoadTickets();
  /** The published plan's balance, by plan id and version (it does not change while a draft is edited). */
  let baselineCache: { key: string; rows: PlannerState['baseline'] } | null = null;

  const redraw = (): void => options.redraw();
  const say = (key: StringKey, params?: Record<string, string | number>, ok = true): void => {
    state.notice = { ok, text: i18n.t(key, params) };
  };

  function setTool(tool: ToolState): void {
    state.tool = tool;
    sink.tool(tool, state.grids);
  }

  async function loadPlans(): Promise<void> {
    state.plans = await api.plans();
  }

  /** Everything shown for the plan: grids, validation, balance (and the published one's), history. */
  async function loadPlanData(plan: Plan): Promise<void> {
    const ticket = tickets.next();
    const published = publishedPlan(state.plans);
    const baselineKey = published && plan.status === 'draft' ? `${published.id}@${published.version}` : null;
    const [large, unit, validation, balance, history, baseline] = await Promise.all([
      api.grids(plan.id, 'large'),
      api.grids(plan.id, 'unit'),
      api.validation(plan.id),
      api.balance(plan.id),
      api.history(plan.id),
      baselineKey && published
        ? baselineCache?.key === baselineKey
          ? Promise.resolve(baselineCache.rows)
          : api.balance(published.id).then((rows) => ((baselineCache = { key: baselineKey, rows }), rows))
        : Promise.resolve(null),
    ]);
    if (!tickets.isCurrent(ticket)) return;
    state.grids = preparePlanGrids(large, unit);
    state.validation = validation;
    state.problems = problemItems(validation.problems ?? []);
    state.selectedProblem = null;
    state.balance = balance;
    state.baseline = baseline;
    state.history = history;
    sink.grids(state.grids);
    sink.problems(state.problems);
    sink.highlight(null);
    sink.tool(state.tool, state.grids);
  }

  async function run(load: () => Promise<void>): Promise<void> {
    state.loading = true;
    state.loadError = null;
    redraw();
    try {
      await load();
    } catch (e) {
      state.loadError = describe(e);
    } finally {
      state.loading = false;
      redraw();
    }
  }

  /** A comparison is of one version: it goes when the plan changes. */
  function forgetCompare(keepWith = true): void {
    state.compare = { withId: keepWith ? state.compare.withId : null, loading: false, result: null, error: null };
    sink.compare(null);
  }

  async function show(plan: Plan): Promise<void> {
    const changedPlan = state.plan?.id !== plan.id;
    const changedVersion = state.plan?.version !== plan.version || state.plan?.status !== plan.status;
    state.plan = plan;
    if (changedVersion && !changedPlan) forgetCompare();
    if (changedPlan) {
      state.lastEdit = null;
      forgetCompare(false);
      // The new plan is named at once; the previous plan's figures are not shown under its name meanwhile.
      state.grids = null;
      state.validation = null;
      state.problems = [];
      state.selectedProblem = null;
      state.balance = null;
      state.baseline = null;
      state.history = [];
      sink.grids(null);
      sink.problems([]);
      sink.highlight(null);
      setTool(initialTool('view', state.tool));
      if (!isDraft(plan) && state.tab === 'edit') state.tab = 'plans';
      redraw();
    }
    await loadPlanData(plan);
  }

  /** After a 409: reload the plan; say whether someone else changed it, or it is no longer a draft. */
  async function conflict(error: ApiError, baseVersion: number, plan: Plan): Promise<void> {
    let fresh: Plan | null = null;
    try {
      fresh = await api.plan(plan.id);
    } catch {
      // the plan could not be read again: the server's own words then
    }
    const c = classifyConflict(baseVersion, fresh);
    if (c.kind === 'refused') {
      state.notice = { ok: false, text: describe(error) };
      return;
    }
    say(c.kind === 'stale' ? 'planner.stale' : 'planner.notDraft', undefined, false);
    await loadPlans().catch(() => undefined);
    setTool(initialTool(state.tool.tool === 'view' ? 'view' : state.tool.tool, state.tool));
    await show(c.fresh);
  }

  /**
   * One change of the draft on its current version; afterwards everything shown is loaded again. A 409 is read
   * as above; `handled` may take other failures (the import dialog shows a 400 itself). True when it went through.
   */
  async function mutate<T extends { version: number }>(send: (plan: Plan, baseVersion: number) => Promise<T>, after: (result: T) => void, handled?: (e: unknown) => boolean): Promise<boolean> {
    const plan = state.plan;
    if (!plan || !isDraft(plan) || state.busy) return false;
    const baseVersion = plan.version;
    state.busy = true;
    state.notice = null;
    redraw();
    try {
      const result = await send(plan, baseVersion);
      state.plan = advance(state.plan ?? plan, result.version);
      forgetCompare();
      after(result);
      await loadPlanData(state.plan);
      return true;
    } catch (e) {
      if (isConflict(e)) await conflict(e, baseVersion, plan).catch((err) => (state.notice = { ok: false, text: describe(err) }));
      else if (!handled?.(e)) state.notice = { ok: false, text: describe(e) };
      return false;
    } finally {
      state.busy = false;
      redraw();
    }
  }

  function invalid(reason: string): void {
    say(`planner.edit.invalid.${reason}` as StringKey, undefined, false);
    redraw();
  }

  async function edit(input: EditInput): Promise<boolean> {
    const plan = state.plan;
    if (!plan) return false;
    const built = buildEdit(input, plan.version);
    if (!built.ok) {
      invalid(built.reason);
      return false;
    }
    const body = built.body;
    return mutate(
      (p, baseVersion) => api.edit(p.id, { ...body, baseVersion }),
      (result: EditResult) => {
        state.lastEdit = result;
        say('planner.edit.done', { summary: result.edit?.summary || i18n.t(`planner.op.${body.op}` as StringKey) });
        setTool(initialTool(state.tool.tool, state.tool));
      },
    );
  }

  const largeOf = (unitCode: string): string | null | undefined => findGrid(state.grids?.unit, unitCode)?.properties.parentCode;

  return {
    get state(): PlannerState {
      return state;
    },

    /** Shows the view: the plan list, and the plan shown before (or the published one). */
    open(): Promise<void> {
      return run(async () => {
        await loadPlans();
        const keep = state.plan && state.plans.find((p) => p.id === state.plan!.id);
        const plan = keep ?? publishedPlan(state.plans) ?? latestDraft(state.plans) ?? state.plans[0];
        if (plan) await show(plan);
      });
    },

    /** Forgets everything (the view closed, or the user signed out). */
    reset(): void {
      tickets.next();
      state = initialState();
      baselineCache = null;
      sink.grids(null);
      sink.problems([]);
      sink.highlight(null);
      sink.compare(null);
      sink.tool(state.tool, null);
    },

    setTab(tab: PlannerTab): void {
      state.tab = tab;
      redraw();
    },

    selectPlan(id: number): Promise<void> {
      return run(async () => {
        const plan = state.plans.find((p) => p.id === id) ?? (await api.plan(id));
        state.notice = null;
        await show(plan);
      });
    },

    /** The newest draft, or the published plan. */
    switchTo(which: 'draft' | 'published'): Promise<void> {
      const plan = which === 'draft' ? latestDraft(state.plans) : publishedPlan(state.plans);
      return plan ? this.selectPlan(plan.id) : Promise.resolve();
    },

    openNewDraft(): void {
      state.newDraft = { name: '', base: 'published', error: null };
      redraw();
    },
    updateNewDraft(patch: Partial<NonNullable<PlannerState['newDraft']>>): void {
      if (state.newDraft) state.newDraft = { ...state.newDraft, ...patch };
    },
    closeNewDraft(): void {
      state.newDraft = null;
      redraw();
    },
    async createDraft(): Promise<void> {
      const form = state.newDraft;
      if (!form || state.busy) return;
      const name = form.name.trim();
      if (!name) {
        state.newDraft = { ...form, error: i18n.t('planner.new.nameRequired') };
        return redraw();
      }
      const basedOnId = form.base === 'selected' ? state.plan?.id : undefined;
      state.busy = true;
      redraw();
      try {
        const plan = await api.createPlan({ name, ...(form.base === 'empty' ? { empty: true } : {}), ...(basedOnId !== undefined ? { basedOnId } : {}) });
        state.newDraft = null;
        await loadPlans();
        say('planner.new.done', { name: plan.name });
        state.busy = false;
        state.tab = 'edit';
        await run(() => show(plan));
      } catch (e) {
        state.newDraft = { ...form, error: describe(e) };
      } finally {
        state.busy = false;
        redraw();
      }
    },

    openImport(level: GridLevel = 'unit'): void {
      state.importForm = newImportForm(level);
      redraw();
    },
    updateImport(patch: Partial<NonNullable<PlannerState['importForm']>>): void {
      if (state.importForm) state.importForm = { ...state.importForm, ...patch };
    },
    closeImport(): void {
      state.importForm = null;
      redraw();
    },
    async importFile(): Promise<void> {
      const form = state.importForm;
      if (!form) return;
      if (!form.file) {
        state.importForm = { ...form, missing: true };
        return redraw();
      }
      const file = form.file;
      state.importForm = { ...form, missing: false, errors: null, error: null, result: null };
      await mutate(
        (plan, baseVersion) => api.importGrids(plan.id, form, baseVersion, file, file.name),
        (result) => {
          if (state.importForm) state.importForm = { ...state.importForm, file: null, result };
          say('planner.import.done', { created: result.created, updated: result.updated, removed: result.removed });
        },
        (e) => {
          if (!(e instanceof ApiError) || e.status !== 400 || !state.importForm) return false;
          state.importForm = { ...state.importForm, errors: e.errors, error: describe(e) };
          return true;
        },
      );
    },

    chooseTool(tool: ToolId): void {
      setTool(initialTool(tool, state.tool));
      state.notice = null;
      redraw();
    },
    /** A change typed into the tool's inputs: kept, drawn on the next redraw. */
    updateTool(patch: Partial<ToolState>, draw = false): void {
      state.tool = { ...state.tool, ...patch };
      if (draw) {
        sink.tool(state.tool, state.grids);
        redraw();
      }
    },
    clickGrid(hit: ClickedGrid): void {
      if (!isDraft(state.plan) && state.tool.tool !== 'view') return;
      setTool(clickGrid(state.tool, hit));
      redraw();
    },
    /** The tool's button: merge, assign, rename, recode, clean. */
    applyTool(): Promise<boolean> {
      const input = toolEdit(state.tool, largeOf);
      return input ? edit(input) : Promise.resolve(false);
    },
    saveReshape(): Promise<boolean> {
      const code = state.tool.code;
      const grid = code ? findGrid(state.grids?.unit, code) : undefined;
      const ring = sink.outline();
      if (!code || !grid || !ring) return Promise.resolve(false);
      return edit({ op: 'reshape', code, level: 'unit', ring, original: grid.geometry });
    },
    splitWith(line: LineString): Promise<boolean> {
      const code = state.tool.code;
      if (!code) return Promise.resolve(false);
      return edit({ op: 'split', code, line: line.coordinates, newCode: state.tool.newCode });
    },

    undo(): Promise<boolean> {
      return mutate((p, v) => api.undo(p.id, v), (r) => say('planner.undo.done', { summary: r.edit?.summary ?? '' }));
    },
    redo(): Promise<boolean> {
      return mutate((p, v) => api.redo(p.id, v), (r) => say('planner.redo.done', { summary: r.edit?.summary ?? '' }));
    },

    selectProblem(idx: number | null): void {
      state.selectedProblem = idx;
      sink.highlight(state.problems.find((p) => p.idx === idx) ?? null);
      redraw();
    },

    setCompareWith(id: number | null): void {
      state.compare = { ...state.compare, withId: id };
    },
    async runCompare(): Promise<void> {
      const plan = state.plan;
      const withId = state.compare.withId;
      if (!plan || withId === null) return;
      state.compare = { withId, loading: true, result: null, error: null };
      redraw();
      try {
        const result = await api.compare(plan.id, withId);
        if (state.plan?.id !== plan.id) return;
        state.compare = { withId, loading: false, result, error: null };
        sink.compare(result);
      } catch (e) {
        state.compare = { withId, loading: false, result: null, error: describe(e) };
      } finally {
        redraw();
      }
    },
    clearCompare(): void {
      state.compare = { withId: state.compare.withId, loading: false, result: null, error: null };
      sink.compare(null);
      redraw();
    },

    /** The publish confirmation: how many open cases move (compare with the published plan) and the problems. */
    async openPublish(): Promise<void> {
      const plan = state.plan;
      if (!plan || !isDraft(plan)) return;
      state.publish = { loading: true, moving: null, buildings: null, validation: null, refused: null, error: null };
      redraw();
      try {
        const published = publishedPlan(state.plans);
        const [validation, compare] = await Promise.all([api.validation(plan.id), published ? api.compare(plan.id, published.id) : Promise.resolve(null)]);
        if (!state.publish) return;
        state.publish = { ...state.publish, loading: false, validation, moving: compare?.openIncidentsMoving.length ?? 0, buildings: compare?.buildingsChangingTeam ?? 0 };
      } catch (e) {
        if (state.publish) state.publish = { ...state.publish, loading: false, error: describe(e) };
      } finally {
        redraw();
      }
    },
    closePublish(): void {
      state.publish = null;
      redraw();
    },
    async confirmPublish(): Promise<void> {
      const plan = state.plan;
      const dialog = state.publish;
      if (!plan || !dialog || dialog.loading || state.busy) return;
      const baseVersion = plan.version;
      state.busy = true;
      state.publish = { ...dialog, error: null };
      redraw();
      try {
        const result = await api.publish(plan.id, baseVersion);
        state.publish = null;
        say('planner.publish.done', { name: result.plan.name, rerouted: result.rerouted });
        await loadPlans();
        state.busy = false;
        baselineCache = null;
        await run(() => show(result.plan));
      } catch (e) {
        const problems = e instanceof ApiError ? (e.problem as { problems?: Problem[] }).problems : undefined;
        if (isConflict(e) && Array.isArray(problems) && problems.length) {
          state.publish = { ...dialog, refused: problems, error: describe(e) };
        } else if (isConflict(e)) {
          state.publish = null;
          await conflict(e, baseVersion, plan);
        } else if (state.publish) state.publish = { ...dialog, error: describe(e) };
      } finally {
        state.busy = false;
        redraw();
      }
    },

    async exportLevel(level: GridLevel, format: ExportFormat): Promise<void> {
      const plan = state.plan;
      if (!plan) return;
      try {
        const file = await api.exportFile(plan.id, level, format);
        options.download(file.blob, file.filename);
      } catch (e) {
        state.notice = { ok: false, text: describe(e) };
        redraw();
      }
    },

    dismissNotice(): void {
      state.notice = null;
      redraw();
    },
  };
}
