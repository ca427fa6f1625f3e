import type { I18n } from '../i18n';
import { el } from '../ui/dom';
import type { AdminApi } from './adminApi';
import { createCategoriesTab } from './categoriesTab';
import { createHolidaysTab } from './holidaysTab';
import { createImportTab } from './importTab';
import { createKeysTab } from './keysTab';
import { createShiftsTab } from './shiftsTab';
import { ADMIN_TABS, type AdminTab, type AdminTabId, type TabContext } from './tab';
import { createTeamsTab } from './teamsTab';
import { createUsersTab } from './usersTab';
import './admin.css';

export interface AdminPanelOptions {
  container: HTMLElement;
  /** The status bar's 管理 button. */
  toggle: HTMLButtonElement;
  api: AdminApi;
  i18n: I18n;
  largeGrids(): Array<{ code: string; name: string }>;
  /** Called as the panel opens (e.g. to close the incident panel, which sits in the same place). */
  onOpen?(): void;
}

export interface AdminPanel {
  /** Shows the 管理 button for an admin; otherwise hides it, closes the panel and forgets what it showed. */
  setEnabled(on: boolean): void;
  open(tab?: AdminTabId): void;
  close(): void;
  readonly isOpen: boolean;
}

const TAB_FACTORIES: Record<AdminTabId, (ctx: TabContext) => AdminTab> = {
  users: createUsersTab,
  teams: createTeamsTab,
  shifts: createShiftsTab,
  import: createImportTab,
  keys: createKeysTab,
  categories: createCategoriesTab,
  holidays: createHolidaysTab,
};

/**
 * The admin view: a panel at the right of the map with one tab per concern. Nothing is fetched before a tab is
 * shown; a tab's data is fetched again each time it is chosen. `<body data-admin-open data-admin-tab>` tells tests.
 */
export function createAdminPanel(options: AdminPanelOptions): AdminPanel {
  const { container, toggle, i18n } = options;
  const body = document.body;
  const content = el('div', { class: 'admin-content', role: 'tabpanel' });
  let enabled = false;
  let isOpen = false;
  let current: AdminTabId = 'users';

  const tabs = {} as Record<AdminTabId, AdminTab>;
  for (const id of ADMIN_TABS) {
    tabs[id] = TAB_FACTORIES[id]({
      api: options.api,
      i18n,
      largeGrids: options.largeGrids,
      redraw: (top) => {
        if (isOpen && current === id) drawContent(top);
      },
    });
  }

  function drawContent(top = false): void {
    content.dataset.tab = current;
    content.replaceChildren(...tabs[current].render());
    if (top) content.scrollTop = 0;
    const changed = content.querySelector<HTMLElement>('[data-scroll]');
    changed?.scrollIntoView?.({ block: 'nearest' });
  }

  function draw(): void {
    toggle.hidden = !enabled;
    toggle.setAttribute('aria-expanded', String(isOpen));
    toggle.textContent = i18n.t('admin.open');
    container.hidden = !isOpen;
    if (!isOpen) {
      container.replaceChildren();
      return;
    }
    const nav = el(
      'nav',
      { class: 'admin-tabs', role: 'tablist' },
      ...ADMIN_TABS.map((id) => {
        const b = el('button', { type: 'button', role: 'tab', class: 'admin-tab', 'data-tab': id, 'aria-selected': String(id === current) }, i18n.t(`admin.tab.${id}`));
        b.addEventListener('click', () => select(id));
        return b;
      }),
    );
    const close = el('button', { type: 'button', class: 'admin-close', 'aria-label': i18n.t('admin.close'), title: i18n.t('admin.close') }, '×');
    close.addEventListener('click', () => api.close());
    container.replaceChildren(el('header', { class: 'admin-header' }, el('h2', { class: 'admin-title' }, i18n.t('admin.title')), close), nav, content);
    drawContent();
  }

  function select(id: AdminTabId): void {
    if (current !== id) tabs[current].reset();
    current = id;
    body.dataset.adminTab = id;
    draw();
    void tabs[id].load();
  }

  container.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Escape') api.close();
  });
  toggle.addEventListener('click', () => (isOpen ? api.close() : api.open()));
  i18n.onChange(() => draw());

  const api: AdminPanel = {
    setEnabled(on) {
      if (!on) api.close();
      enabled = on;
      draw();
    },
    open(tab = current) {
      if (!enabled) return;
      isOpen = true;
      body.dataset.adminOpen = 'true';
      options.onOpen?.();
      select(tab);
    },
    close() {
      if (!isOpen) return;
      isOpen = false;
      for (const id of ADMIN_TABS) tabs[id].reset();
      delete body.dataset.adminOpen;
      delete body.dataset.adminTab;
      draw();
    },
    get isOpen() {
      return isOpen;
    },
  };
  draw();
  return api;
}
