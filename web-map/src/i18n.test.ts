import { describe, expect, it } from 'vitest';
import { DICTIONARIES, format, I18n, LANG_KEY, LANGS, placeholders } from './i18n';
import { MemoryStorage } from './ready';

describe('i18n dictionaries', () => {
  const zhKeys = Object.keys(DICTIONARIES.zh).sort();

  it('has exactly the same keys in every language', () => {
    for (const lang of LANGS) expect(Object.keys(DICTIONARIES[lang]).sort()).toEqual(zhKeys);
  });

  it('has no empty strings and the same placeholders in every language', () => {
    for (const key of zhKeys) {
      const zh = DICTIONARIES.zh[key as keyof typeof DICTIONARIES.zh];
      for (const lang of LANGS) {
        const text = DICTIONARIES[lang][key as keyof typeof DICTIONARIES.zh];
        expect(text, `${lang}:${key}`).toBeTruthy();
        expect(placeholders(text), `${lang}:${key}`).toEqual(placeholders(zh));
      }
    }
  });

  it('names the layers as the brief does in Chinese', () => {
    expect(DICTIONARIES.zh['legend.largeGrid']).toBe('大网格');
    expect(DICTIONARIES.zh['legend.unitGrid']).toBe('单元网格');
    expect(DICTIONARIES.zh['legend.posts']).toBe('重点网格岗位点');
    expect(DICTIONARIES.zh['legend.streetlights']).toBe('路灯');
    expect(DICTIONARIES.zh['legend.roads']).toBe('道路');
    expect(DICTIONARIES.zh['legend.buildings']).toBe('建筑');
    expect(DICTIONARIES.zh['popup.notInGrid']).toBe('该位置不在任何网格内');
  });
});

describe('I18n', () => {
  it('defaults to Chinese and formats parameters', () => {
    const i18n = new I18n(new MemoryStorage());
    expect(i18n.current).toBe('zh');
    expect(i18n.t('legend.count', { n: 15 })).toBe('15 个');
    expect(format('{a}-{b}-{c}', { a: 1, b: 'x' })).toBe('1-x-{c}');
  });

  it('remembers the language in storage and notifies listeners', () => {
    const storage = new MemoryStorage();
    const i18n = new I18n(storage);
    const seen: string[] = [];
    i18n.onChange((lang) => seen.push(lang));
    i18n.toggle();
    expect(i18n.current).toBe('en');
    expect(storage.getItem(LANG_KEY)).toBe('en');
    expect(seen).toEqual(['en']);
    expect(new I18n(storage).current).toBe('en');
    expect(new I18n(storage).t('legend.title')).toBe('Legend');
  });

  it('ignores a junk stored value', () => {
    const storage = new MemoryStorage();
    storage.setItem(LANG_KEY, 'fr');
    expect(new I18n(storage).current).toBe('zh');
  });

  it('translates role codes, passing unknown ones through', () => {
    const i18n = new I18n(new MemoryStorage());
    expect(i18n.role('admin')).toBe('系统管理员');
    expect(i18n.role('dispatcher')).toBe('调度员');
    expect(i18n.role('planner')).toBe('规划员');
    expect(i18n.role('crew')).toBe('巡查队员');
    expect(i18n.role('leader')).toBe('领导');
    expect(i18n.role('auditor')).toBe('auditor');
    i18n.set('en');
    expect(i18n.role('crew')).toBe('Patrol crew');
  });
});
