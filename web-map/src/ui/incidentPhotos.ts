import type { I18n, StringKey } from '../i18n';
import { formatShanghai } from '../incidents';
import type { PhotoView } from '../types';
import { el } from './dom';

/**
 * The incident panel's photos (`#incident-photos`): `before` and `after` groups of thumbnails. The photo URLs need the
 * Bearer header, which `<img src>` cannot send, so the bytes are fetched and shown as blob URLs; a click opens the full
 * image in a viewer over the map.
 */

export type FetchPhoto = (url: string) => Promise<Blob>;

/** Blob URLs by photo URL, fetched once while one incident is shown; `clear()` revokes them. */
export interface PhotoCache {
  /** The blob URL when it is loaded already, else null (and the fetch starts; `onLoad` runs when it is in). */
  get(url: string): string | null;
  load(url: string): Promise<string>;
  clear(): void;
}

export function createPhotoCache(fetchPhoto: FetchPhoto, onLoad: () => void): PhotoCache {
  let urls = new Map<string, Promise<string>>();
  let ready = new Map<string, string>();
  let generation = 0;
  const cache: PhotoCache = {
    get(url) {
      const done = ready.get(url);
      if (done) return done;
      if (!urls.has(url)) {
        const mine = generation;
        void cache.load(url).then(
          () => mine === generation && onLoad(),
          () => mine === generation && onLoad(),
        );
      }
      return null;
    },
    load(url) {
      let p = urls.get(url);
      if (!p) {
        const mine = generation;
        const map = ready;
        // The Bearer token goes only to this server's own paths, never to a URL elsewhere.
        const own = url.startsWith('/') && !url.startsWith('//');
        p = (own ? fetchPhoto(url) : Promise.reject(new Error(`not a local photo path: ${url}`))).then((blob) => {
          const objectUrl = URL.createObjectURL(blob);
          if (mine !== generation) {
            URL.revokeObjectURL(objectUrl);
            throw new Error('stale');
          }
          map.set(url, objectUrl);
          return objectUrl;
        });
        urls.set(url, p);
      }
      return p;
    },
    clear() {
      generation++;
      for (const u of ready.values()) URL.revokeObjectURL(u);
      urls = new Map();
      ready = new Map();
    },
  };
  return cache;
}

/** `before` (anything not `after`) and `after`, each oldest first as the server sends them. */
export function groupPhotos(photos: readonly PhotoView[] | null | undefined): { before: PhotoView[]; after: PhotoView[] } {
  const before: PhotoView[] = [];
  const after: PhotoView[] = [];
  for (const p of photos ?? []) (p.kind === 'after' ? after : before).push(p);
  return { before, after };
}

const BY = ['resident', 'crew', 'staff'];

function photoTitle(p: PhotoView, i18n: I18n): string {
  const by = p.by && BY.includes(p.by) ? i18n.t(`incident.photoBy.${p.by}` as StringKey) : (p.by ?? '');
  return i18n.t('incident.photoBy', { by, at: formatShanghai(p.createdAt) }).replace(/^ · | · $/g, '');
}

/** Shows `url` full size in a viewer over the page; a click or Escape closes it. */
export function openPhotoViewer(cache: PhotoCache, photo: PhotoView, i18n: I18n): void {
  document.querySelector('.photo-viewer')?.remove();
  const img = el('img', { class: 'photo-viewer-img', alt: photoTitle(photo, i18n), 'data-kind': photo.kind === 'after' ? 'after' : 'before' });
  const close = el('button', { type: 'button', class: 'photo-viewer-close', 'aria-label': i18n.t('incident.photoClose'), title: i18n.t('incident.photoClose') }, '×');
  const viewer = el('div', { class: 'photo-viewer', role: 'dialog', 'aria-modal': 'true', 'aria-label': i18n.t('incident.photos') }, img, close);
  const shut = (): void => {
    viewer.remove();
    document.removeEventListener('keydown', onKey);
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') shut();
  };
  viewer.addEventListener('click', shut);
  document.addEventListener('keydown', onKey);
  document.body.append(viewer);
  close.focus();
  // The thumbnail first (already here), the full image once it is in.
  const thumb = photo.thumbUrl ? cache.get(photo.thumbUrl) : null;
  if (thumb) img.src = thumb;
  cache.load(photo.url).then(
    (u) => (img.src = u),
    () => viewer.append(el('p', { class: 'photo-viewer-error', role: 'alert' }, i18n.t('incident.photoFailed'))),
  );
}

/** The section, or null when the incident has no photos. */
export function renderPhotos(photos: readonly PhotoView[] | null | undefined, cache: PhotoCache, i18n: I18n): HTMLElement | null {
  const { before, after } = groupPhotos(photos);
  if (!before.length && !after.length) return null;
  const group = (kind: 'before' | 'after', list: PhotoView[], key: StringKey): HTMLElement | null => {
    if (!list.length) return null;
    return el(
      'div',
      { class: 'incident-photo-group', 'data-kind': kind },
      el('h4', {}, i18n.t(key)),
      el(
        'div',
        { class: 'incident-photo-row' },
        ...list.map((p) => {
          const src = cache.get(p.thumbUrl ?? p.url);
          const img = el('img', {
            class: 'incident-photo',
            'data-kind': kind,
            'data-id': String(p.id),
            alt: photoTitle(p, i18n),
            title: photoTitle(p, i18n),
            src: src ?? null,
            'data-loading': src ? null : 'true',
          });
          const b = el('button', { type: 'button', class: 'incident-photo-button', 'aria-label': photoTitle(p, i18n) }, img);
          b.addEventListener('click', () => openPhotoViewer(cache, p, i18n));
          return b;
        }),
      ),
    );
  };
  return el(
    'section',
    { class: 'incident-section', id: 'incident-photos' },
    el('h3', {}, i18n.t('incident.photos')),
    group('before', before, 'incident.photosBefore'),
    group('after', after, 'incident.photosAfter'),
  );
}
