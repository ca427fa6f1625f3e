import type { I18n, StringKey } from '../i18n';
import type { LiveState } from '../live';
import { byId } from './dom';

export interface StatusUser {
  username: string;
  roles: string[];
}

export interface StatusBar {
  setUser(user: StatusUser | null): void;
  /** A transient line of status: a string key (re-translated on switch) or a server text. */
  setMessage(message: { key: StringKey; params?: Record<string, string | number> } | null, isError?: boolean): void;
  /** The live connection's state in `#live-state` (null hides it, as while signed out). */
  setLive(state: LiveState | null): void;
}

/** Wires the status bar of index.html: live connection state, user and role, language toggle (中文 / EN), logout. */
export function createStatusBar(i18n: I18n, onLogout: () => void): StatusBar {
  const userEl = byId('status-user');
  const messageEl = byId('status-message');
  const toggle = byId<HTMLButtonElement>('lang-toggle');
  const logout = byId<HTMLButtonElement>('logout-button');
  const liveEl = byId('live-state');

  let user: StatusUser | null = null;
  let message: { key: StringKey; params?: Record<string, string | number> } | null = null;
  let live: LiveState | null = null;

  const render = (): void => {
    if (user) {
      const roles = user.roles.length ? user.roles.map((r) => i18n.role(r)).join('、') : '';
      userEl.textContent = '';
      const name = document.createElement('strong');
      name.textContent = user.username;
      userEl.append(`${i18n.t('status.user')}: `, name);
      if (roles) {
        const role = document.createElement('span');
        role.className = 'status-role';
        role.dataset.roles = user.roles.join(' ');
        role.textContent = roles;
        userEl.append(' ', role);
      }
    }
    userEl.hidden = !user;
    liveEl.hidden = !live;
    if (live) {
      liveEl.dataset.state = live;
      liveEl.textContent = i18n.t(`live.${live}`);
      liveEl.title = i18n.t('live.title');
    }
    logout.hidden = !user;
    messageEl.textContent = message ? i18n.t(message.key, message.params) : '';
    for (const span of toggle.querySelectorAll<HTMLElement>('[data-lang]')) {
      span.classList.toggle('active', span.dataset.lang === i18n.current);
    }
    toggle.setAttribute('aria-label', i18n.t('status.langTitle'));
  };

  toggle.addEventListener('click', () => i18n.toggle());
  logout.addEventListener('click', () => onLogout());
  i18n.onChange(render);
  render();

  return {
    setUser(next) {
      user = next;
      render();
    },
    setMessage(next, isError = false) {
      message = next;
      messageEl.classList.toggle('error', !!next && isError);
      render();
    },
    setLive(next) {
      live = next;
      render();
    },
  };
}
