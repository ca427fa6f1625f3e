import { describe, expect, it } from 'vitest';
import { Color, createPropertyExpression, latest } from '@maplibre/maplibre-gl-style-spec';
import {
  clockSkewMs,
  CREW_ROLE_COLORS,
  CREW_ROLES,
  crewColorExpression,
  crewFeature,
  crewRoleColor,
  crewRoleLabel,
  fixAgeS,
  isDimmed,
  shiftLabel,
  STALE_AFTER_S,
} from './crews';
import { I18n } from './i18n';
import { MemoryStorage } from './ready';
import { COLORS } from './theme';
import type { Crew } from './types';

const zh = () => new I18n(new MemoryStorage());
const NOW = Date.UTC(2026, 10, 24, 4, 30, 0);

const crew = (over: Partial<Crew> = {}): Crew => ({
  id: 5,
  name: '张三',
  employeeNo: 'CG0005',
  teamId: 1,
  teamName: '城东大网格责任班组',
  largeGridCode: 'LG01',
  role: 'municipal',
  shift: 'early',
  onShift: true,
  position: { lon: 115.41, lat: 25.95, t: '2026-11-24T04:29:00Z', accuracyM: 5, ageS: 60 },
  ...over,
});

function circleColor(properties: Record<string, unknown>): string {
  const spec = (latest as unknown as { paint_circle: Record<string, unknown> }).paint_circle['circle-color'];
  const parsed = createPropertyExpression(crewColorExpression(), 'circle-color', spec as never);
  if (parsed.result !== 'success') throw new Error(JSON.stringify(parsed.value));
  const c = parsed.value.evaluate({ zoom: 14 }, { type: 'Point', properties } as never) as Color;
  return '#' + [c.r, c.g, c.b].map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('');
}

describe('crew colours and labels', () => {
  it('gives every role its own colour, none shared with the incidents', () => {
    const colors = CREW_ROLES.map((r) => crewRoleColor(r));
    expect(new Set(colors).size).toBe(CREW_ROLES.length);
    for (const c of colors) {
      expect([COLORS.incidentNew, COLORS.incidentOpen, COLORS.incidentOverdue, COLORS.incidentClosed, COLORS.post]).not.toContain(c);
    }
    expect(crewRoleColor('pilot')).toBe(COLORS.crewUnknown);
    expect(crewRoleColor(null)).toBe(COLORS.crewUnknown);
  });

  it('the circle-color expression maps roles as crewRoleColor does', () => {
    for (const role of CREW_ROLES) expect(circleColor({ role })).toBe(CREW_ROLE_COLORS[role].toLowerCase());
    expect(circleColor({ role: '' })).toBe(COLORS.crewUnknown);
  });

  it('labels roles and shifts in both languages, unknown codes as they are', () => {
    const i18n = zh();
    expect(CREW_ROLES.map((r) => crewRoleLabel(i18n, r))).toEqual(['组长', '城管队员', '市政', '园林', '环卫', '社区工作者']);
    expect(['early', 'middle', 'late'].map((s) => shiftLabel(i18n, s))).toEqual(['早班', '中班', '晚班']);
    expect(crewRoleLabel(i18n, 'pilot')).toBe('pilot');
    expect(crewRoleLabel(i18n, null)).toBe('—');
    i18n.set('en');
    expect(crewRoleLabel(i18n, 'sanitation')).toBe('Sanitation');
    expect(shiftLabel(i18n, 'late')).toBe('Late shift');
  });
});

describe('staleness', () => {
  it('estimates the clock skew from the ages the server computed (median)', () => {
    // The server said 60 s old at 04:30:00 server time; the browser's clock reads 04:30:10.
    expect(clockSkewMs([crew()], NOW + 10_000)).toBe(10_000);
    const odd = crew({ id: 6, position: { lon: 115.4, lat: 25.9, t: '2026-11-24T04:00:00Z', ageS: 99_999 } });
    const two = crew({ id: 7, position: { lon: 115.4, lat: 25.9, t: '2026-11-24T04:29:30Z', ageS: 30 } });
    expect(clockSkewMs([crew(), odd, two], NOW + 10_000)).toBe(10_000);
    expect(clockSkewMs([crew({ position: null }), crew({ position: { lon: 1, lat: 1, t: 'x', ageS: 1 } })], NOW)).toBe(0);
    expect(clockSkewMs([], NOW)).toBe(0);
  });

  it('dims crews off shift or with a fix older than five minutes, on the server clock', () => {
    const fixAt = NOW - 60_000;
    expect(fixAgeS(fixAt, NOW)).toBe(60);
    expect(isDimmed(crew(), fixAt, NOW)).toBe(false);
    expect(isDimmed(crew({ onShift: false }), fixAt, NOW)).toBe(true);
    expect(isDimmed(crew(), NOW - (STALE_AFTER_S + 1) * 1000, NOW)).toBe(true);
    expect(isDimmed(crew(), NOW - STALE_AFTER_S * 1000, NOW)).toBe(false);
    // The browser's clock is 10 minutes fast: the fix is still a minute old.
    expect(isDimmed(crew(), fixAt, NOW + 600_000, 600_000)).toBe(false);
    // A crew the list does not know yet is drawn as on shift.
    expect(isDimmed(undefined, fixAt, NOW)).toBe(false);
  });
});

describe('crewFeature', () => {
  it('is a point with the crew id as feature id and the properties the style reads', () => {
    expect(crewFeature(5, crew(), [115.41, 25.95], true)).toEqual({
      type: 'Feature',
      id: 5,
      geometry: { type: 'Point', coordinates: [115.41, 25.95] },
      properties: { id: 5, name: '张三', role: 'municipal', team: '城东大网格责任班组', dim: 1 },
    });
    expect(crewFeature(9, undefined, [1, 2], false).properties).toEqual({ id: 9, name: '', role: '', team: '', dim: 0 });
  });
});
