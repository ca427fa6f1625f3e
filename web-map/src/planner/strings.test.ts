import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LANGS, placeholders } from '../i18n';
import { plannerEn } from './strings.en';
import { plannerZh } from './strings.zh';
import { PLANNER_TABS } from './state';
import { TOOLS } from './tools';
import { EDIT_OPS, EXPORT_FORMATS, GEO_CRS, GRID_LEVELS, PLAN_STATUSES, PROBLEM_KINDS } from './types';

describe('planner strings', () => {
  it('has the same keys and placeholders in Chinese and English', () => {
    expect(Object.keys(plannerEn).sort()).toEqual(Object.keys(plannerZh).sort());
    for (const [key, zh] of Object.entries(plannerZh)) expect(placeholders(plannerEn[key as keyof typeof plannerZh]), key).toEqual(placeholders(zh));
  });

  it('names every status, tab, tool, op, level, crs, format and problem kind in both languages', () => {
    const keys = [
      ...PLAN_STATUSES.map((s) => `planner.status.${s}`),
      ...PLANNER_TABS.map((t) => `planner.tab.${t}`),
      ...TOOLS.flatMap((t) => [`planner.tool.${t}`, `planner.tool.${t}.hint`]),
      ...EDIT_OPS.map((o) => `planner.op.${o}`),
      ...GRID_LEVELS.map((l) => `planner.level.${l}`),
      ...GEO_CRS.map((c) => `planner.crs.${c}`),
      ...EXPORT_FORMATS.map((f) => `planner.export.format.${f}`),
      ...PROBLEM_KINDS.map((k) => `planner.problem.${k}`),
      ...['noGrid', 'ring', 'multiPart', 'line', 'mergeCount', 'noTarget', 'nothingToMove', 'name', 'newCode', 'sameCode', 'snapM', 'maxGapM'].map((r) => `planner.edit.invalid.${r}`),
    ];
    for (const lang of LANGS) for (const key of keys) expect(DICTIONARIES[lang][key as keyof (typeof DICTIONARIES)['zh']], `${lang}:${key}`).toBeTruthy();
  });

  it('says the stale-version message the planners asked for, and the status badges', () => {
    expect(plannerZh['planner.stale']).toBe('另一位规划员已修改此方案，已刷新');
    expect([plannerZh['planner.status.draft'], plannerZh['planner.status.published'], plannerZh['planner.status.archived']]).toEqual(['草稿', '已发布', '已归档']);
  });
});
