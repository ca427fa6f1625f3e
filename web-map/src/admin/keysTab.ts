import { ApiError } from '../api';
import { describeError } from '../errors';
import { formatShanghai } from '../incidents';
import { el } from '../ui/dom';
import { formErrors, noErrors, type FormErrors } from './forms';
import { TabState, type AdminTab, type TabContext } from './tab';
import type { IssuedKey, KeySummary } from './types';
import { adminForm, button, chip, confirmBar, field, notice, table, textInput, toolbar } from './widgets';

/** A 404 or 405 from the keys list: this server issues keys but cannot list or revoke them yet. */
export const listingUnsupported = (error: unknown): boolean => error instanceof ApiError && (error.status === 404 || error.status === 405);

/** Open311 密钥: issue a key for a reporting app (shown once), list and revoke keys where the server can. */
export function createKeysTab(ctx: TabContext): AdminTab {
  const { api, i18n } = ctx;
  const state = new TabState(ctx);
  const describe = (e: unknown) => describeError(e, i18n);
  let keys: KeySummary[] = [];
  /** null: not known yet; false: GET /api/open311/keys answered 404/405. */
  let canList: boolean | null = null;
  let form: { name: string; errors: FormErrors; busy: boolean } | null = null;
  let issued: IssuedKey | null = null;

  async function reload(): Promise<void> {
    try {
      keys = await api.keys();
      canList = true;
    } catch (e) {
      if (!listingUnsupported(e)) throw e;
      keys = [];
      canList = false;
    }
  }
  const load = () => state.load(reload, describe);

  async function issue(): Promise<void> {
    if (!form) return;
    const f = form;
    f.busy = true;
    ctx.redraw();
    try {
      issued = await api.issueKey(f.name.trim());
      form = null;
      await reload().catch((e) => (state.loadError = describe(e)));
    } catch (e) {
      f.errors = formErrors(e, ['name'], i18n);
    } finally {
      f.busy = false;
      ctx.redraw();
    }
  }

  function askRevoke(key: KeySummary): void {
    state.ask({
      target: `key:${key.id}`,
      question: i18n.t('admin.keys.confirmRevoke', { name: key.name }),
      yes: i18n.t('admin.keys.revoke'),
      run: async () => {
        try {
          await api.revokeKey(key.id);
        } catch (e) {
          // Listed but not revocable: a server with GET and no DELETE.
          if (e instanceof ApiError && e.status === 405) throw new Error(i18n.t('admin.keys.revokeUnsupported'));
          throw e;
        }
        state.notice = { ok: true, text: i18n.t('admin.keys.revoked', { name: key.name }) };
        state.flash = `key:${key.id}`;
        await reload();
      },
    });
  }

  function keyRows(): HTMLTableRowElement[] {
    return keys.flatMap((k) => {
      const row = el(
        'tr',
        { 'data-key-id': String(k.id), 'data-key-name': k.name, 'data-revoked': String(!!k.revoked), ...state.rowMark(`key:${k.id}`) },
        el('td', {}, k.name),
        el('td', {}, k.prefix ? el('code', {}, `${k.prefix}…`) : '—'),
        el('td', {}, formatShanghai(k.createdAt) || '—', k.createdBy ? el('span', { class: 'admin-muted' }, ` · ${k.createdBy}`) : null),
        el('td', {}, formatShanghai(k.lastUsedAt) || '—'),
        el('td', {}, k.revoked ? chip(i18n.t('admin.keys.revokedChip'), 'off') : chip(i18n.t('admin.active'), 'ok')),
        el('td', { class: 'admin-actions' }, k.revoked ? null : button(i18n.t('admin.keys.revoke'), { class: 'btn-link danger', 'data-action': 'revoke' }, () => askRevoke(k))),
      );
      const c = state.confirming;
      if (c?.target !== `key:${k.id}`) return [row];
      const bar = confirmBar(c, state.confirmBusy, i18n, () => void state.confirm(describe), () => state.cancelConfirm());
      return [row, el('tr', { class: 'admin-confirm-row' }, el('td', { colspan: '6' }, bar))];
    });
  }

  function renderForm(f: NonNullable<typeof form>): HTMLFormElement {
    return adminForm(
      {
        kind: 'key-issue',
        title: i18n.t('admin.keys.issue'),
        errors: f.errors,
        busy: f.busy,
        submitLabel: i18n.t('admin.keys.issueSubmit'),
        onSubmit: () => void issue(),
        onCancel: () => {
          form = null;
          ctx.redraw();
        },
        fields: [field('name', i18n.t('admin.keys.name'), textInput('name', f.name, (v) => (f.name = v), { maxlength: '100' }), f.errors, i18n.t('admin.keys.nameHint'))],
      },
      i18n,
    );
  }

  return {
    load,
    reset() {
      state.reset();
      form = null;
      issued = null; // a key is shown once
    },
    render() {
      const headers = ['admin.keys.name', 'admin.keys.prefix', 'admin.keys.created', 'admin.keys.lastUsed', 'admin.status', 'admin.actions'] as const;
      return [
        toolbar(
          button(i18n.t('admin.keys.issue'), { class: 'btn-primary', 'data-action': 'issue-key' }, () => {
            form = { name: '', errors: noErrors(), busy: false };
            issued = null;
            ctx.redraw(true);
          }),
          button(i18n.t('admin.refresh'), { class: 'btn-link', 'data-action': 'refresh' }, () => void load()),
        ),
        issued
          ? el(
              'section',
              { class: 'admin-secret', 'data-issued-key': issued.name },
              el('p', { class: 'admin-warning', role: 'alert' }, i18n.t('admin.keys.onceWarning', { name: issued.name })),
              el('code', { class: 'admin-password admin-api-key' }, issued.apiKey),
              button(i18n.t('admin.keys.hide'), { class: 'btn-link' }, () => {
                issued = null;
                ctx.redraw();
              }),
            )
          : null,
        form ? renderForm(form) : null,
        notice(state.notice),
        state.loadError ? notice({ ok: false, text: state.loadError }) : null,
        canList === false ? el('p', { class: 'admin-warning admin-keys-unsupported', role: 'status' }, i18n.t('admin.keys.listUnsupported')) : null,
        state.loading && canList === null ? el('p', { class: 'admin-loading' }, i18n.t('admin.loading')) : null,
        canList ? table('keys', headers.map((h) => i18n.t(h)), keyRows(), i18n.t('admin.keys.none')) : null,
      ].filter((n): n is HTMLElement => !!n);
    },
  };
}
