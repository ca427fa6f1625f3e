import { describe, expect, it } from 'vitest';
import { ApiError } from '../api';
import { undoRedo } from './history';
import type { HistoryEntry, Plan } from './types';
import { advance, classifyConflict, isConflict, LoadTickets } from './version';

const plan = (over: Partial<Plan> = {}): Plan => ({ id: 3, name: '草稿', status: 'draft', version: 5, ...over });

describe('plan versions', () => {
  it('reads a 409 from the plan as it is now: stale, no longer a draft, or refused', () => {
    expect(classifyConflict(5, plan({ version: 6 }))).toEqual({ kind: 'stale', fresh: plan({ version: 6 }) });
    expect(classifyConflict(5, plan({ status: 'published' }))).toEqual({ kind: 'notDraft', fresh: plan({ status: 'published' }) });
    expect(classifyConflict(5, plan({ status: 'archived', version: 9 })).kind).toBe('stale');
    expect(classifyConflict(5, plan())).toEqual({ kind: 'refused' });
    expect(classifyConflict(5, null)).toEqual({ kind: 'refused' });
    expect(isConflict(new ApiError(409, 'Conflict', 'x'))).toBe(true);
    expect(isConflict(new ApiError(400, 'Bad', 'x'))).toBe(false);
    expect(isConflict(new Error('409'))).toBe(false);
  });

  it('moves to a newer version only', () => {
    const p = plan();
    expect(advance(p, 6)).toEqual(plan({ version: 6 }));
    expect(advance(p, 5)).toBe(p);
    expect(advance(p, 4)).toBe(p);
    expect(advance(p, undefined)).toBe(p);
  });

  it('drops answers to loads that were overtaken', () => {
    const t = new LoadTickets();
    const a = t.next();
    const b = t.next();
    expect(t.isCurrent(a)).toBe(false);
    expect(t.isCurrent(b)).toBe(true);
  });
});

describe('undo and redo from the history', () => {
  const e = (seq: number, undone = false): HistoryEntry => ({ seq, op: 'assign', summary: `#${seq}`, actor: 'planner', at: '2026-12-01T00:00:00Z', undone });

  it('has nothing to undo or redo in an empty history', () => {
    expect(undoRedo([])).toMatchObject({ canUndo: false, canRedo: false });
    expect(undoRedo(null)).toMatchObject({ canUndo: false, canRedo: false });
  });

  it('undoes the newest edit in force; redoes the oldest of the undone ones on top', () => {
    expect(undoRedo([e(3), e(2), e(1)])).toMatchObject({ canUndo: true, canRedo: false, undoTarget: { seq: 3 } });
    const r = undoRedo([e(1), e(3, true), e(2, true)]);
    expect(r).toMatchObject({ canUndo: true, canRedo: true, undoTarget: { seq: 1 }, redoTarget: { seq: 2 } });
    expect(undoRedo([e(2, true), e(1, true)])).toMatchObject({ canUndo: false, canRedo: true, redoTarget: { seq: 1 } });
  });

  it('has nothing to redo once a new edit follows an undo', () => {
    expect(undoRedo([e(4), e(3, true), e(2), e(1)])).toMatchObject({ canUndo: true, canRedo: false, undoTarget: { seq: 4 } });
  });
});
