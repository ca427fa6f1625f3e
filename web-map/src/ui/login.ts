import type { I18n, StringKey } from '../i18n';
import { byId, el } from './dom';

export const DEMO_USERS = ['admin', 'dispatcher', 'planner', 'crew', 'leader'] as const;
export const DEMO_PASSWORD = 'gridgov-demo';

export interface LoginView {
  /** Shows the panel; `message` is either a string key or a text from the server. */
  show(message?: { key: StringKey } | { text: string }): void;
  hide(): void;
  readonly visible: boolean;
}

/**
 * Wires the login form of index.html. `submit` performs the login and throws on failure;
 * `describe` turns that failure into the text shown in #login-error.
 */
export function createLogin(
  i18n: I18n,
  submit: (username: string, password: string) => Promise<void>,
  describe: (error: unknown) => string,
): LoginView {
  const overlay = byId('login-overlay');
  const form = byId<HTMLFormElement>('login-form');
  const username = byId<HTMLInputElement>('login-username');
  const password = byId<HTMLInputElement>('login-password');
  const button = byId<HTMLButtonElement>('login-submit');
  const error = byId('login-error');
  const demo = byId('demo-users');

  let message: { key: StringKey } | { text: string } | null = null;
  let busy = false;

  const renderMessage = (): void => {
    error.textContent = message ? ('key' in message ? i18n.t(message.key) : message.text) : '';
    error.hidden = !message;
  };
  const renderButton = (): void => {
    button.disabled = busy;
    button.textContent = i18n.t(busy ? 'login.submitting' : 'login.submit');
  };

  for (const user of DEMO_USERS) {
    const chip = el('button', { type: 'button', class: 'demo-user', 'data-user': user }, user);
    chip.addEventListener('click', () => {
      username.value = user;
      password.focus();
    });
    demo.append(chip);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const u = username.value.trim();
    const p = password.value;
    if (!u || !p) {
      message = { key: 'login.required' };
      renderMessage();
      return;
    }
    busy = true;
    message = null;
    renderMessage();
    renderButton();
    try {
      await submit(u, p);
      password.value = '';
    } catch (e) {
      message = { text: describe(e) };
      renderMessage();
      password.select();
    } finally {
      busy = false;
      renderButton();
    }
  });

  i18n.onChange(() => {
    renderMessage();
    renderButton();
  });
  renderMessage();

  return {
    show(msg) {
      message = msg ?? null;
      renderMessage();
      renderButton();
      overlay.hidden = false;
      document.body.dataset.loggedIn = 'false';
      (username.value ? password : username).focus();
    },
    hide() {
      overlay.hidden = true;
      message = null;
      renderMessage();
      document.body.dataset.loggedIn = 'true';
    },
    get visible() {
      return !overlay.hidden;
    },
  };
}
