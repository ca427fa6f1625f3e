import type { GridLevel } from '../types';
import type { PlanGridData } from './planGrids';
import type { ProblemItem } from './problems';
import { initialTool, type ToolState } from './tools';
import type { BalanceRow, CompareResult, EditResult, GeoCrs, HistoryEntry, ImportResult, Plan, Problem, ValidationResult } from './types';

export const PLANNER_TABS = ['plans', 'edit', 'problems', 'balance', 'compare', 'history'] as const;
export type PlannerTab = (typeof PLANNER_TABS)[number];

export type Notice = { ok: boolean; text: string } | null;

export interface NewDraftForm {
  name: string;
  /** published: a copy of the published plan; selected: of the plan shown; empty: blank. */
  base: 'published' | 'selected' | 'empty';
  error: string | null;
}

export interface ImportForm {
  level: GridLevel;
  /** '' reads the .prj (or takes GeoJSON as WGS84). */
  crs: GeoCrs | '';
  codeField: string;
  nameField: string;
  parentField: string;
  file: File | null;
  missing: boolean;
  result: ImportResult | null;
  /** The 400's `errors` by key ("feature 3 (code)", "file"), and its detail. */
  errors: Record<string, readonly string[]> | null;
  error: string | null;
}

export interface PublishDialog {
  loading: boolean;
  /** From compare with the published plan. */
  moving: number | null;
  buildings: number | null;
  validation: ValidationResult | null;
  /** Problems the server named when it refused (409). */
  refused: Problem[] | null;
  error: string | null;
}

export interface CompareView {
  withId: number | null;
  loading: boolean;
  result: CompareResult | null;
  error: string | null;
}

export interface PlannerState {
  tab: PlannerTab;
  loading: boolean;
  loadError: string | null;
  plans: Plan[];
  plan: Plan | null;
  grids: PlanGridData | null;
  validation: ValidationResult | null;
  problems: Array<ProblemItem & { problem: Problem }>;
  selectedProblem: number | null;
  balance: BalanceRow[] | null;
  /** The published plan's balance, shown as "before" beside a draft's. */
  baseline: BalanceRow[] | null;
  history: HistoryEntry[];
  tool: ToolState;
  busy: boolean;
  notice: Notice;
  lastEdit: EditResult | null;
  newDraft: NewDraftForm | null;
  importForm: ImportForm | null;
  publish: PublishDialog | null;
  compare: CompareView;
}

export function initialState(): PlannerState {
  return {
    tab: 'plans',
    loading: false,
    loadError: null,
    plans: [],
    plan: null,
    grids: null,
    validation: null,
    problems: [],
    selectedProblem: null,
    balance: null,
    baseline: null,
    history: [],
    tool: initialTool(),
    busy: false,
    notice: null,
    lastEdit: null,
    newDraft: null,
    importForm: null,
    publish: null,
    compare: { withId: null, loading: false, result: null, error: null },
  };
}

export function newImportForm(level: GridLevel = 'unit'): ImportForm {
  return { level, crs: '', codeField: '', nameField: '', parentField: '', file: null, missing: false, result: null, errors: null, error: null };
}

export const publishedPlan = (plans: readonly Plan[]): Plan | undefined => plans.find((p) => p.status === 'published');

/** The draft to switch to: the newest one (by creation, then id). */
export function latestDraft(plans: readonly Plan[]): Plan | undefined {
  return [...plans].filter((p) => p.status === 'draft').sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.id - a.id)[0];
}

export const isDraft = (plan: Plan | null | undefined): boolean => plan?.status === 'draft';
