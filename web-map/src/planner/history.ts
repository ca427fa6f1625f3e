import type { HistoryEntry } from './types';

/** Undo and redo from the plan's history (newest first), the way the server keeps it. */
export interface UndoRedo {
  canUndo: boolean;
  canRedo: boolean;
  /** The edit an undo would take back / a redo would make again. */
  undoTarget: HistoryEntry | null;
  redoTarget: HistoryEntry | null;
}

const bySeqDesc = (history: readonly HistoryEntry[]): HistoryEntry[] => [...history].sort((a, b) => b.seq - a.seq);

/**
 * Undo takes back the newest edit still in force. Redo makes again the oldest of the undone edits above every edit
 * in force: a new edit after an undo leaves nothing to redo.
 */
export function undoRedo(history: readonly HistoryEntry[] | null | undefined): UndoRedo {
  const list = bySeqDesc(history ?? []);
  const undoTarget = list.find((e) => !e.undone) ?? null;
  const undoneOnTop: HistoryEntry[] = [];
  for (const e of list) {
    if (!e.undone) break;
    undoneOnTop.push(e);
  }
  const redoTarget = undoneOnTop[undoneOnTop.length - 1] ?? null;
  return { canUndo: !!undoTarget, canRedo: !!redoTarget, undoTarget, redoTarget };
}

export { bySeqDesc as historyNewestFirst };
