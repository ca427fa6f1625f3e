/** The community worker's page, pure: which cases still wait for an order, meeting forms, score controls, months. */
import type { CaseRow, MemberRequest, MemberKind, OrderView, Party } from './api';
import { PARTIES } from './api';

const ACTIVE = new Set(['open', 'taken', 'done']);

/** Cases to order: those of the list without an active order in the pool (open, taken or done), oldest first. */
export function casesToOrder(cases: readonly CaseRow[], orders: readonly OrderView[]): CaseRow[] {
  const pooled = new Set(orders.filter((o) => ACTIVE.has(o.status)).map((o) => o.incidentId));
  return cases.filter((c) => !pooled.has(c.id)).sort((a, b) => Date.parse(a.reportedAt) - Date.parse(b.reportedAt) || a.id - b.id);
}

/** The order list's order: done ones (to score) first, then open, taken, the rest; newest first within. */
export function sortOrders(orders: readonly OrderView[]): OrderView[] {
  const rank: Record<string, number> = { done: 0, open: 1, taken: 2, escalated: 3, scored: 4, withdrawn: 5 };
  return [...orders].sort((a, b) => (rank[a.status] ?? 9) - (rank[b.status] ?? 9) || b.id - a.id);
}

/** The parties missing from a meeting's attendees (each of the four at least once, with a name). */
export function missingParties(attendees: ReadonlyArray<{ name: string; party: Party }>): Party[] {
  const present = new Set(attendees.filter((a) => a.name.trim()).map((a) => a.party));
  return PARTIES.filter((p) => !present.has(p));
}

/** The issues textarea: one issue a line, blank lines dropped. */
export function issueLines(text: string): Array<{ text: string }> {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((l) => ({ text: l }));
}

/** Skills typed as "0601, 06 ，04": codes split at commas, spaces or Chinese commas, duplicates dropped. */
export function parseSkills(text: string): string[] {
  return [...new Set(text.split(/[\s,，、;；]+/).map((s) => s.trim()).filter(Boolean))];
}

/** The member form → request body. */
export function memberBody(form: { name: string; kind: MemberKind; phone: string; skills: string; available: boolean; communities: string[] }): MemberRequest {
  const phone = form.phone.trim();
  return { name: form.name.trim(), kind: form.kind, ...(phone ? { phone } : {}), skills: parseSkills(form.skills), available: form.available, communities: form.communities };
}

/** The month yyyy-MM of an instant in Beijing time (the points' calendar). */
export function shanghaiMonth(now: Date): string {
  const d = new Date(now.getTime() + 8 * 3600_000);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The file name of the points download. */
export function pointsFileName(month: string, community: string | undefined, ext: 'csv' | 'html'): string {
  return `points-${community ?? 'all'}-${month}.${ext}`;
}
