import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { I18n } from '../i18n';
import { MemoryStorage } from '../ready';
import { fake, installFakeDom } from '../testing/fakeDom';
import type { PhotoView } from '../types';
import { createPhotoCache, groupPhotos, renderPhotos } from './incidentPhotos';

beforeEach(() => {
  installFakeDom();
  let n = 0;
  vi.stubGlobal('URL', { createObjectURL: () => `blob:${++n}`, revokeObjectURL: vi.fn() });
});
afterEach(() => vi.unstubAllGlobals());

const photo = (id: number, kind: string, by = 'resident'): PhotoView => ({
  id,
  incidentId: 7,
  kind,
  url: `/api/photos/${id}`,
  thumbUrl: `/api/photos/${id}?size=thumb`,
  by,
  createdAt: '2026-12-01T06:00:00Z',
});

describe('incident photos', () => {
  it('groups before and after, oldest first', () => {
    const g = groupPhotos([photo(1, 'before'), photo(2, 'after', 'crew'), photo(3, 'before')]);
    expect(g.before.map((p) => p.id)).toEqual([1, 3]);
    expect(g.after.map((p) => p.id)).toEqual([2]);
    expect(groupPhotos(undefined)).toEqual({ before: [], after: [] });
  });

  it('fetches each thumbnail once and shows it as a blob URL with its kind', async () => {
    const fetchPhoto = vi.fn(async () => ({}) as Blob);
    const loaded = vi.fn();
    const cache = createPhotoCache(fetchPhoto, loaded);
    const i18n = new I18n(new MemoryStorage());
    const photos = [photo(1, 'before'), photo(2, 'after', 'crew')];

    let section = fake(renderPhotos(photos, cache, i18n));
    expect(section.getAttribute('id')).toBe('incident-photos');
    expect(section.querySelectorAll('img[data-kind=before]')).toHaveLength(1);
    expect(section.querySelectorAll('img[data-kind=after]')).toHaveLength(1);
    expect(section.querySelector('img[data-kind=before]')?.getAttribute('src')).toBeNull();
    expect(section.textContent).toContain('处置前');
    expect(section.textContent).toContain('处置后');

    await vi.waitFor(() => expect(loaded).toHaveBeenCalledTimes(2));
    section = fake(renderPhotos(photos, cache, i18n));
    expect(section.querySelector('img[data-kind=before]')?.getAttribute('src')).toMatch(/^blob:/);
    expect(fetchPhoto).toHaveBeenCalledTimes(2);
    expect(fetchPhoto).toHaveBeenCalledWith('/api/photos/1?size=thumb');

    cache.clear();
    expect(URL.revokeObjectURL).toHaveBeenCalledTimes(2);
  });

  it('never sends the token to a URL that is not a path of this server', async () => {
    const fetchPhoto = vi.fn(async () => ({}) as Blob);
    const cache = createPhotoCache(fetchPhoto, () => undefined);
    await expect(cache.load('https://elsewhere.example/p.jpg')).rejects.toThrow();
    await expect(cache.load('//elsewhere.example/p.jpg')).rejects.toThrow();
    expect(fetchPhoto).not.toHaveBeenCalled();
  });

  it('draws nothing for a case without photos', () => {
    const cache = createPhotoCache(async () => ({}) as Blob, () => undefined);
    expect(renderPhotos([], cache, new I18n(new MemoryStorage()))).toBeNull();
  });
});
