import { Popup, type LngLat, type Map as MapLibreMap, type MapMouseEvent } from 'maplibre-gl';
import type { Api } from '../api';
import type { I18n, StringKey } from '../i18n';
import type { LocateResult, NamedRef } from '../types';
import { el } from './dom';
import './popup.css';

type State =
  | { kind: 'loading' }
  | { kind: 'ok'; result: LocateResult }
  | { kind: 'none' }
  | { kind: 'error'; detail: string };

const ref = (r: NamedRef | null | undefined, withCode: boolean): string | null => {
  if (!r) return null;
  const name = r.name?.trim() ?? '';
  if (!withCode || !r.code) return name || r.code || null;
  return name ? `${r.code} ${name}` : r.code;
};

/** The rows of the locate popup: [field, label key, value or null]. Pure, for reuse and tests. */
export function locateRows(result: LocateResult): Array<[string, StringKey, string | null]> {
  return [
    ['unitGrid', 'popup.unitGrid', ref(result.unitGrid, true)],
    ['largeGrid', 'popup.largeGrid', ref(result.largeGrid, true)],
    ['community', 'popup.community', ref(result.community, false)],
    ['street', 'popup.street', ref(result.street, false)],
    ['team', 'popup.team', result.team?.name?.trim() || null],
  ];
}

/** Renders popup content with textContent only (server strings are never parsed as HTML). */
function render(state: State, i18n: I18n): HTMLElement {
  const root = el('div', { class: 'locate-popup', 'data-state': state.kind });
  switch (state.kind) {
    case 'loading':
      root.append(el('p', { class: 'locate-message' }, i18n.t('popup.loading')));
      break;
    case 'none':
      root.append(el('p', { class: 'locate-message' }, i18n.t('popup.notInGrid')));
      break;
    case 'error':
      root.append(el('p', { class: 'locate-message locate-error' }, i18n.t('popup.failed', { detail: state.detail })));
      break;
    case 'ok': {
      const list = el('dl', { class: 'locate-list' });
      for (const [field, key, value] of locateRows(state.result)) {
        list.append(
          el('dt', { 'data-field': field }, i18n.t(key)),
          el('dd', { 'data-field': field }, value ?? i18n.t('popup.none')),
        );
      }
      root.append(list);
      break;
    }
  }
  return root;
}

export interface LocatePopupOptions {
  map: MapLibreMap;
  api: Api;
  i18n: I18n;
  /** Whether clicks should query (false while logged out). */
  enabled: () => boolean;
  describe: (error: unknown) => string;
  /** True for a click something else handles (an incident point): no locate popup then. */
  skip?: (event: MapMouseEvent) => boolean;
}

/** Click on the map → `GET /api/grids/locate` → popup. Returns a function that closes the popup. */
export function attachLocatePopup({ map, api, i18n, enabled, describe, skip }: LocatePopupOptions): () => void {
  const popup = new Popup({ closeButton: true, closeOnClick: false, maxWidth: '320px', className: 'gridgov-popup' });
  let state: State | null = null;
  let seq = 0;

  const show = (next: State, at?: LngLat): void => {
    state = next;
    popup.setDOMContent(render(next, i18n));
    if (at) popup.setLngLat(at);
    if (!popup.isOpen()) popup.addTo(map);
  };

  map.on('click', async (event: MapMouseEvent) => {
    if (!enabled() || skip?.(event)) return;
    const mine = ++seq;
    const at = event.lngLat;
    show({ kind: 'loading' }, at);
    try {
      const result = await api.locate(at.lng, at.lat);
      if (mine !== seq || !popup.isOpen()) return;
      show(result ? { kind: 'ok', result } : { kind: 'none' });
    } catch (error) {
      if (mine !== seq || !popup.isOpen() || !enabled()) return;
      show({ kind: 'error', detail: describe(error) });
    }
  });

  popup.on('close', () => {
    state = null;
    seq++;
  });

  i18n.onChange(() => {
    if (state && popup.isOpen()) popup.setDOMContent(render(state, i18n));
  });

  return () => {
    seq++;
    popup.remove();
  };
}
