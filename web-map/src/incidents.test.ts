import { describe, expect, it } from 'vitest';
import { Color, createPropertyExpression, latest } from '@maplibre/maplibre-gl-style-spec';
import type { ExpressionSpecification } from 'maplibre-gl';
import { I18n } from './i18n';
import {
  actionInputs,
  actionLabel,
  buildTransition,
  categoryLabel,
  countIncidents,
  formatShanghai,
  historyRow,
  INCIDENT_ACTIONS,
  INCIDENT_STATE_COLORS,
  INCIDENT_STATES,
  INCIDENT_STATUSES,
  incidentColorExpression,
  incidentStateColor,
  needsInput,
  sourceLabel,
  stateLabel,
  statusLabel,
} from './incidents';
import { incidentLayers } from './layers/incidents';
import { MemoryStorage } from './ready';
import { COLORS } from './theme';

const zh = () => new I18n(new MemoryStorage());
const en = () => {
  const i18n = new I18n(new MemoryStorage());
  i18n.set('en');
  return i18n;
};

/** Evaluates a paint property expression of a circle layer for a feature with `properties` at `zoom`. */
function evaluate(property: 'circle-color' | 'circle-radius' | 'circle-stroke-width' | 'circle-stroke-color' | 'circle-opacity', expression: unknown, properties: Record<string, unknown>, zoom = 14) {
  const spec = (latest as unknown as { paint_circle: Record<string, unknown> }).paint_circle[property];
  const parsed = createPropertyExpression(expression, property, spec as never);
  if (parsed.result !== 'success') throw new Error(JSON.stringify(parsed.value));
  return parsed.value.evaluate({ zoom }, { type: 'Point', properties } as never);
}

const hex = (c: Color) => '#' + [c.r, c.g, c.b].map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('');

describe('incident colours', () => {
  it('maps the display classes: new blue, open amber, overdue red, closed grey', () => {
    expect(incidentStateColor('new')).toBe(COLORS.incidentNew);
    expect(incidentStateColor('open')).toBe(COLORS.incidentOpen);
    expect(incidentStateColor('overdue')).toBe(COLORS.incidentOverdue);
    expect(incidentStateColor('closed')).toBe(COLORS.incidentClosed);
    expect(incidentStateColor('weird')).toBe(COLORS.incidentClosed);
    expect(incidentStateColor(undefined)).toBe(COLORS.incidentClosed);
    expect(new Set(Object.values(INCIDENT_STATE_COLORS)).size).toBe(4);
  });

  it('keeps overdue distinct from the red of the key posts', () => {
    expect(COLORS.incidentOverdue).not.toBe(COLORS.post);
    expect(COLORS.incidentOverdue).not.toBe(COLORS.streetlightFault);
  });

  it('the circle-color expression gives the same colour as incidentStateColor', () => {
    for (const state of [...INCIDENT_STATES, 'other']) {
      expect(hex(evaluate('circle-color', incidentColorExpression(), { state }) as Color), state).toBe(incidentStateColor(state));
    }
  });

  it('draws overdue points larger and with a wider white ring', () => {
    const point = incidentLayers().find((l) => l.id === 'incidents-point')!;
    expect(point.type).toBe('circle');
    const paint = (point as unknown as { paint: Record<string, ExpressionSpecification> }).paint;
    expect(hex(evaluate('circle-color', paint['circle-color'], { state: 'overdue' }) as Color)).toBe(COLORS.incidentOverdue);
    for (const zoom of [10, 14, 18]) {
      const overdue = evaluate('circle-radius', paint['circle-radius'], { state: 'overdue' }, zoom) as number;
      const open = evaluate('circle-radius', paint['circle-radius'], { state: 'open' }, zoom) as number;
      expect(overdue).toBeGreaterThan(open);
    }
    expect(evaluate('circle-stroke-width', paint['circle-stroke-width'], { state: 'overdue' })).toBeGreaterThan(
      evaluate('circle-stroke-width', paint['circle-stroke-width'], { state: 'new' }) as number,
    );
    expect(hex(evaluate('circle-stroke-color', paint['circle-stroke-color'], { state: 'overdue' }) as Color)).toBe('#ffffff');
  });

  it('draws circuit and cabinet faults larger with a thick dark-red ring, absorbed reports small and faint', () => {
    const point = incidentLayers().find((l) => l.id === 'incidents-point')!;
    const paint = (point as unknown as { paint: Record<string, ExpressionSpecification> }).paint;
    const lamp = { state: 'new', asset: 'lamp' };
    const absorbed = { state: 'new', asset: 'lamp', fault_id: 9 };
    for (const asset of ['circuit', 'cabinet']) {
      const fault = { state: 'new', asset };
      for (const zoom of [10, 14, 18]) {
        const r = (p: Record<string, unknown>) => evaluate('circle-radius', paint['circle-radius'], p, zoom) as number;
        expect(r(fault), `${asset} z${zoom}`).toBeGreaterThan(r({ state: 'overdue' }));
        expect(r(absorbed)).toBeLessThan(r(lamp));
      }
      expect(hex(evaluate('circle-stroke-color', paint['circle-stroke-color'], fault) as Color)).toBe(COLORS.incidentFaultStroke);
      expect(evaluate('circle-stroke-width', paint['circle-stroke-width'], fault)).toBeGreaterThanOrEqual(3);
    }
    expect(hex(evaluate('circle-stroke-color', paint['circle-stroke-color'], lamp) as Color)).toBe('#ffffff');
    expect(evaluate('circle-opacity', paint['circle-opacity'], absorbed)).toBeLessThan(evaluate('circle-opacity', paint['circle-opacity'], lamp) as number);
    // A fault keeps the colour of its state: overdue stays crimson.
    expect(hex(evaluate('circle-color', paint['circle-color'], { state: 'overdue', asset: 'circuit' }) as Color)).toBe(COLORS.incidentOverdue);
  });
});

describe('incident labels', () => {
  it('names every status in Chinese', () => {
    const i18n = zh();
    expect(INCIDENT_STATUSES.map((s) => statusLabel(i18n, s))).toEqual([
      '已上报', '已立案', '已派遣', '已接单', '处置中', '已处置', '已核查', '已结案', '待分拨', '挂账', '已作废',
    ]);
  });

  it('names every action in Chinese, and the history-only ones', () => {
    const i18n = zh();
    expect(INCIDENT_ACTIONS.map((a) => actionLabel(i18n, a))).toEqual([
      '立案', '派遣', '接单', '开始处置', '处置完成', '核查', '结案', '回退', '延期', '挂账', '作废', '返工',
    ]);
    expect(actionLabel(i18n, 'report')).toBe('上报');
    expect(actionLabel(i18n, 'overdue')).toBe('超期');
    expect(actionLabel(i18n, 'escalate')).toBe('督办');
  });

  it('names the display classes', () => {
    expect(INCIDENT_STATES.map((s) => stateLabel(zh(), s))).toEqual(['新案件', '在办', '超期', '已结案']);
    expect(INCIDENT_STATES.map((s) => stateLabel(en(), s))).toEqual(['New', 'In progress', 'Overdue', 'Closed']);
  });

  it('switches to English, and passes unknown codes through', () => {
    const i18n = en();
    expect(statusLabel(i18n, 'inProgress')).toBe('In progress');
    expect(actionLabel(i18n, 'sendBack')).toBe('Send back');
    expect(sourceLabel(i18n, 'hotline')).toBe('Hotline');
    expect(statusLabel(i18n, 'teleported')).toBe('teleported');
    expect(actionLabel(zh(), 'launch')).toBe('launch');
    expect(statusLabel(zh(), null)).toBe('—');
  });

  it('uses the English category name in English when there is one', () => {
    const category = { code: '01011', name: '道路破损', nameEn: 'Damaged road' };
    expect(categoryLabel(zh(), category)).toBe('道路破损');
    expect(categoryLabel(en(), category)).toBe('Damaged road');
    expect(categoryLabel(en(), { code: '01012', name: '井盖缺失' })).toBe('井盖缺失');
  });
});

describe('formatShanghai', () => {
  it('shows instants in Beijing time (UTC+8)', () => {
    expect(formatShanghai('2026-11-24T04:05:00Z')).toBe('2026-11-24 12:05');
    expect(formatShanghai('2026-11-24T20:30:00+00:00')).toBe('2026-11-25 04:30');
    expect(formatShanghai('2026-11-24T12:05:00+08:00')).toBe('2026-11-24 12:05');
  });

  it('tolerates nothing and junk', () => {
    expect(formatShanghai(null)).toBe('');
    expect(formatShanghai(undefined)).toBe('');
    expect(formatShanghai('not a date')).toBe('not a date');
  });
});

describe('action inputs and transition bodies', () => {
  it('asks for a note on handle, sendBack, extend, park, void and reopen', () => {
    for (const action of INCIDENT_ACTIONS) {
      expect(actionInputs(action).note, action).toBe(['handle', 'sendBack', 'extend', 'park', 'void', 'reopen'].includes(action));
    }
    expect(actionInputs('verify')).toMatchObject({ score: true, note: false });
    expect(actionInputs('extend')).toMatchObject({ extendHours: true, note: true });
    expect(needsInput(actionInputs('accept'))).toBe(false);
    expect(needsInput(actionInputs('close'))).toBe(false);
  });

  it('asks for a team only to dispatch an incident that has none', () => {
    expect(actionInputs('dispatch', { teamId: 3 }).teamId).toBe(false);
    expect(actionInputs('dispatch', { teamId: null }).teamId).toBe(true);
    expect(needsInput(actionInputs('dispatch', { teamId: 3 }))).toBe(false);
  });

  it('builds the bodies, or says what is missing', () => {
    expect(buildTransition('accept', actionInputs('accept'), {})).toEqual({ body: { action: 'accept' } });
    expect(buildTransition('handle', actionInputs('handle'), { note: '  ' })).toEqual({ missing: 'incident.noteRequired' });
    expect(buildTransition('handle', actionInputs('handle'), { note: ' 已清理 ' })).toEqual({ body: { action: 'handle', note: '已清理' } });
    expect(buildTransition('verify', actionInputs('verify'), { score: '6' })).toEqual({ missing: 'incident.scoreRequired' });
    expect(buildTransition('verify', actionInputs('verify'), { score: '2.5' })).toEqual({ missing: 'incident.scoreRequired' });
    expect(buildTransition('verify', actionInputs('verify'), { score: '4' })).toEqual({ body: { action: 'verify', score: 4 } });
    expect(buildTransition('extend', actionInputs('extend'), { note: '材料未到' })).toEqual({ missing: 'incident.hoursRequired' });
    expect(buildTransition('extend', actionInputs('extend'), { note: '材料未到', extendHours: '0' })).toEqual({ missing: 'incident.hoursRequired' });
    expect(buildTransition('extend', actionInputs('extend'), { note: '材料未到', extendHours: '24' })).toEqual({
      body: { action: 'extend', note: '材料未到', extendHours: 24 },
    });
    expect(buildTransition('dispatch', actionInputs('dispatch', { teamId: null }), {})).toEqual({ missing: 'incident.teamRequired' });
    expect(buildTransition('dispatch', actionInputs('dispatch', { teamId: null }), { teamId: '7' })).toEqual({ body: { action: 'dispatch', teamId: 7 } });
  });
});

describe('historyRow', () => {
  it('labels the action and the change of state in Chinese, at Beijing time', () => {
    const row = historyRow({ at: '2026-11-24T01:00:00Z', actor: 'crew03', action: 'accept', from: 'dispatched', to: 'accepted', note: null }, zh());
    expect(row).toEqual({ time: '2026-11-24 09:00', actor: 'crew03', action: '接单', transition: '已派遣 → 已接单', note: '' });
  });

  it('shows the first report without a from, and the system actor by name', () => {
    const row = historyRow({ at: '2026-11-24T01:00:00Z', actor: 'system', action: 'overdue', from: 'dispatched', to: 'dispatched' }, zh());
    expect(row.actor).toBe('系统');
    expect(row.transition).toBe('已派遣');
    expect(historyRow({ at: '2026-11-24T01:00:00Z', actor: 'resident', action: 'report', to: 'reported' }, en()).transition).toBe('Reported');
  });

  it('keeps markup in notes and names as literal text', () => {
    const row = historyRow({ at: 'x', actor: '<i>mallory</i>', action: 'handle', from: 'inProgress', to: 'handled', note: '<b>已修复</b><script>alert(1)</script>' }, zh());
    expect(row.note).toBe('<b>已修复</b><script>alert(1)</script>');
    expect(row.actor).toBe('<i>mallory</i>');
  });
});

describe('countIncidents', () => {
  it('counts distinct ids by display class', () => {
    const f = (id: number, state: string) => ({ properties: { id, state } });
    expect(countIncidents([f(1, 'new'), f(1, 'new'), f(2, 'overdue'), f(3, 'open'), f(4, 'closed'), f(5, 'odd'), { properties: null }])).toEqual({
      new: 1,
      open: 1,
      overdue: 1,
      closed: 1,
    });
    expect(countIncidents([])).toEqual({ new: 0, open: 0, overdue: 0, closed: 0 });
  });
});
