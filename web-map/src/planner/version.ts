import { ApiError } from '../api';
import type { Plan } from './types';

/**
 * Optimistic concurrency for plans: every change names the version it was made on (`baseVersion`), and the server
 * answers 409 when that is not the plan's version any more. A 409 also means "not a draft", "nothing to undo" or
 * "invalid publish", so what it was is read from the plan as it is now, not from the wording.
 */

export type Conflict =
  /** Someone else changed the plan since we loaded it: reload and say so. */
  | { kind: 'stale'; fresh: Plan }
  /** The plan was published or archived meanwhile: reload, it is read-only now. */
  | { kind: 'notDraft'; fresh: Plan }
  /** Same version, still a draft: the server refused the change itself (its detail says why). */
  | { kind: 'refused' };

export const isConflict = (error: unknown): error is ApiError => error instanceof ApiError && error.status === 409;

/** What a 409 on a change made on `baseVersion` meant, given the plan as the server has it now. */
export function classifyConflict(baseVersion: number, fresh: Plan | null, expectDraft = true): Conflict {
  if (!fresh) return { kind: 'refused' };
  if (fresh.version !== baseVersion) return { kind: 'stale', fresh };
  if (expectDraft && fresh.status !== 'draft') return { kind: 'notDraft', fresh };
  return { kind: 'refused' };
}

/** The plan after an answer that carries the new version; an older answer (one that arrived late) changes nothing. */
export function advance(plan: Plan, version: number | null | undefined): Plan {
  if (typeof version !== 'number' || !Number.isFinite(version) || version <= plan.version) return plan;
  return { ...plan, version };
}

/**
 * Hands out a ticket per load and tells whether a ticket is still the latest: answers to a load that was overtaken
 * (another plan chosen, another edit made) are dropped.
 */
export class LoadTickets {
  private current = 0;
  next(): number {
    return ++this.current;
  }
  isCurrent(ticket: number): boolean {
    return ticket === this.current;
  }
}
