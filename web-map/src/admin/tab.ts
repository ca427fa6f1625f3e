import type { I18n } from '../i18n';
import type { AdminApi } from './adminApi';
import type { Confirming, Notice } from './widgets';

export const ADMIN_TABS = ['users', 'teams', 'shifts', 'import', 'keys', 'categories', 'holidays'] as const;
export type AdminTabId = (typeof ADMIN_TABS)[number];

export interface TabContext {
  api: AdminApi;
  i18n: I18n;
  /** Draws the tab again from its state; `top` scrolls it to the top (where forms open). */
  redraw(top?: boolean): void;
  /** The large grids of the county (code, name), for a grid team's select. */
  largeGrids(): Array<{ code: string; name: string }>;
}

/** One tab of the admin panel: loads its data when shown, draws from its state, forgets everything on reset. */
export interface AdminTab {
  load(): Promise<void>;
  render(): Node[];
  /** Drops forms, confirmations and anything shown once (passwords, keys), e.g. when the panel closes. */
  reset(): void;
}

/** The state every tab has: loading, the load failure, the line of news, and what waits for a yes. */
export class TabState {
  loading = false;
  loadError: string | null = null;
  notice: Notice = null;
  confirming: Confirming | null = null;
  confirmBusy = false;
  /** The row just changed (e.g. `user:li`): drawn highlighted and scrolled into view, once. */
  flash: string | null = null;

  constructor(private readonly ctx: TabContext) {}

  /** Runs a load: sets loading, keeps the failure's text for the tab to show. */
  async load(run: () => Promise<void>, describe: (e: unknown) => string): Promise<void> {
    this.loading = true;
    this.loadError = null;
    this.ctx.redraw();
    try {
      await run();
    } catch (e) {
      this.loadError = describe(e);
    } finally {
      this.loading = false;
      this.ctx.redraw();
    }
  }

  ask(c: Confirming): void {
    this.confirming = c;
    this.notice = null;
    this.ctx.redraw();
  }

  /** The confirmed action; its failure becomes the notice. */
  async confirm(describe: (e: unknown) => string): Promise<void> {
    const c = this.confirming;
    if (!c || this.confirmBusy) return;
    this.confirmBusy = true;
    this.ctx.redraw();
    try {
      await c.run();
      this.confirming = null;
    } catch (e) {
      // Said where it was asked, so a refusal far down the table is seen (a team with crews, the last admin).
      this.confirming = { ...c, error: describe(e) };
    } finally {
      this.confirmBusy = false;
      this.ctx.redraw();
    }
  }

  cancelConfirm(): void {
    this.confirming = null;
    this.ctx.redraw();
  }

  /** Attributes of the row for `target`: highlighted and marked to scroll to if it was just changed (once). */
  rowMark(target: string): { class?: string; 'data-scroll'?: string } {
    if (this.flash !== target) return {};
    this.flash = null;
    return { class: 'admin-flash', 'data-scroll': 'true' };
  }

  reset(): void {
    this.notice = null;
    this.confirming = null;
    this.confirmBusy = false;
    this.flash = null;
  }
}
