import type { GridLevel } from '../types';
import type { EditInput } from './edits';

/** The editing tools as state, pure: what a click on a grid does in each, and the edit a tool's button sends. */

export const TOOLS = ['view', 'reshape', 'split', 'merge', 'assign', 'rename', 'recode', 'clean'] as const;
export type ToolId = (typeof TOOLS)[number];

/** Defaults of the clean tool: vertices closer than 1 m are snapped, gaps and slivers up to 5 m wide given away. */
export const CLEAN_DEFAULTS = { snapM: '1', maxGapM: '5' } as const;

export interface ToolState {
  tool: ToolId;
  /** The grid a one-grid tool works on (reshape, split, rename, recode). */
  code: string | null;
  /** Rename and recode work on unit grids or large grids. */
  level: 'unit' | 'large';
  /** reshape: picking, then editing the outline; split: picking, then drawing the line. */
  phase: 'pick' | 'edit' | 'draw';
  /** merge (the first is kept) and assign: the unit grids picked, in click order. */
  picks: string[];
  /** assign: the large grid they move to. */
  target: string;
  name: string;
  newCode: string;
  cleanLevel: GridLevel;
  snapM: string;
  maxGapM: string;
}

export function initialTool(tool: ToolId = 'view', keep?: Partial<ToolState>): ToolState {
  return {
    tool,
    code: null,
    level: 'unit',
    phase: 'pick',
    picks: [],
    target: keep?.target ?? '',
    name: '',
    newCode: '',
    cleanLevel: keep?.cleanLevel ?? 'unit',
    snapM: keep?.snapM ?? CLEAN_DEFAULTS.snapM,
    maxGapM: keep?.maxGapM ?? CLEAN_DEFAULTS.maxGapM,
  };
}

/** Tools that change the plan (everything but view). */
export const isEditTool = (tool: ToolId): boolean => tool !== 'view';

export interface ClickedGrid {
  unit?: { code: string; name: string; parentCode?: string | null } | null;
  large?: { code: string; name: string } | null;
}

/** The tool after a click on the map (on `hit`, which may be nothing). */
export function clickGrid(state: ToolState, hit: ClickedGrid): ToolState {
  const unit = hit.unit ?? null;
  switch (state.tool) {
    case 'view':
      return { ...state, code: unit?.code ?? null };
    case 'reshape':
      if (state.phase !== 'pick' || !unit) return state;
      return { ...state, code: unit.code, phase: 'edit' };
    case 'split':
      if (state.phase !== 'pick' || !unit) return state;
      return { ...state, code: unit.code, phase: 'draw' };
    case 'merge':
    case 'assign': {
      if (!unit) return state;
      const picks = state.picks.includes(unit.code) ? state.picks.filter((c) => c !== unit.code) : [...state.picks, unit.code];
      return { ...state, picks };
    }
    case 'rename':
    case 'recode': {
      const grid = state.level === 'large' ? hit.large : unit;
      if (!grid) return state;
      return { ...state, code: grid.code, name: grid.name ?? '', newCode: state.tool === 'recode' ? grid.code : '' };
    }
    case 'clean':
      return state;
  }
}

/** The edit a tool's button sends, from the state alone; reshape and split come from the drawing instead. */
export function toolEdit(state: ToolState, largeOf: (unitCode: string) => string | null | undefined): EditInput | null {
  switch (state.tool) {
    case 'merge':
      return { op: 'merge', codes: state.picks };
    case 'assign':
      return { op: 'assign', codes: state.picks, largeGrid: state.target, current: Object.fromEntries(state.picks.map((c) => [c, largeOf(c)])) };
    case 'rename':
      return state.code ? { op: 'rename', code: state.code, name: state.name } : null;
    case 'recode':
      return state.code ? { op: 'recode', code: state.code, newCode: state.newCode } : null;
    case 'clean':
      return { op: 'clean', level: state.cleanLevel, snapM: state.snapM, maxGapM: state.maxGapM };
    default:
      return null;
  }
}

/** The unit grids the tool shows as picked on the map (picks, or the one grid it works on). */
export function pickedCodes(state: ToolState): string[] {
  if (state.tool === 'merge' || state.tool === 'assign') return state.picks;
  if (state.tool === 'reshape') return []; // the outline being edited is drawn by the editor
  if (state.code && (state.level === 'unit' || (state.tool !== 'rename' && state.tool !== 'recode'))) return [state.code];
  return [];
}
