import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { buildEdit, closeRing, editableRing, metres, reshapedPolygon } from './edits';

const square: Polygon = {
  type: 'Polygon',
  coordinates: [
    [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]],
    [[0.4, 0.4], [0.6, 0.4], [0.6, 0.6], [0.4, 0.4]],
  ],
};

describe('edit payloads', () => {
  it('reshape: the edited outer ring (rounded to 1e-7, closed, no repeats) with the holes kept', () => {
    const built = buildEdit({ op: 'reshape', code: 'U1', ring: [[0, 0], [1.000000049, 0], [1.000000049, 0], [1, 1.2], [0, 1], [0, 0]], original: square }, 7);
    expect(built).toEqual({
      ok: true,
      body: {
        op: 'reshape', baseVersion: 7, level: 'unit', code: 'U1',
        geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1.2], [0, 1], [0, 0]], square.coordinates[1]] },
      },
    });
  });

  it('reshape refuses a ring of fewer than 3 corners and a multi-part grid', () => {
    expect(buildEdit({ op: 'reshape', code: 'U1', ring: [[0, 0], [1, 0], [0, 0]], original: square }, 1)).toEqual({ ok: false, reason: 'ring' });
    const multi = { type: 'MultiPolygon' as const, coordinates: [square.coordinates, square.coordinates] };
    expect(buildEdit({ op: 'reshape', code: 'U1', ring: square.coordinates[0]!, original: multi }, 1)).toEqual({ ok: false, reason: 'multiPart' });
    expect(buildEdit({ op: 'reshape', code: '', ring: square.coordinates[0]!, original: square }, 1)).toEqual({ ok: false, reason: 'noGrid' });
    expect(editableRing(multi)).toBeNull();
    expect(editableRing({ type: 'MultiPolygon', coordinates: [square.coordinates] })).toEqual(square.coordinates[0]);
    expect(reshapedPolygon([[0, 0], [1, 0], [1, 1]], { type: 'MultiPolygon', coordinates: [square.coordinates] })).toEqual({
      type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]], square.coordinates[1]],
    });
    expect(closeRing([[0, 0], [Number.NaN, 1], [1, 1]])).toBeNull();
  });

  it('split: the line, and the new code only when one is given', () => {
    expect(buildEdit({ op: 'split', code: 'U1', line: [[0.123456789, 0], [1, 1]], newCode: '  ' }, 3)).toEqual({
      ok: true, body: { op: 'split', baseVersion: 3, code: 'U1', line: { type: 'LineString', coordinates: [[0.1234568, 0], [1, 1]] } },
    });
    expect(buildEdit({ op: 'split', code: 'U1', line: [[0, 0], [1, 1]], newCode: ' U9 ' }, 3)).toMatchObject({ ok: true, body: { newCode: 'U9' } });
    expect(buildEdit({ op: 'split', code: 'U1', line: [[0, 0]] }, 3)).toEqual({ ok: false, reason: 'line' });
  });

  it('merge: at least two distinct codes, the first kept first', () => {
    expect(buildEdit({ op: 'merge', codes: ['U2', 'U1', 'U2'] }, 4)).toEqual({ ok: true, body: { op: 'merge', baseVersion: 4, codes: ['U2', 'U1'] } });
    expect(buildEdit({ op: 'merge', codes: ['U2', 'U2'] }, 4)).toEqual({ ok: false, reason: 'mergeCount' });
  });

  it('assign: a target, and only the unit grids not already in it', () => {
    const current = { U1: 'L01', U2: 'L02', U3: 'L01' };
    expect(buildEdit({ op: 'assign', codes: ['U1', 'U2', 'U3'], largeGrid: 'L02', current }, 5)).toEqual({ ok: true, body: { op: 'assign', baseVersion: 5, codes: ['U1', 'U3'], largeGrid: 'L02' } });
    expect(buildEdit({ op: 'assign', codes: ['U2'], largeGrid: 'L02', current }, 5)).toEqual({ ok: false, reason: 'nothingToMove' });
    expect(buildEdit({ op: 'assign', codes: ['U1'], largeGrid: ' ', current }, 5)).toEqual({ ok: false, reason: 'noTarget' });
  });

  it('rename and recode: trimmed, not empty, a new code that differs', () => {
    expect(buildEdit({ op: 'rename', code: 'U1', name: ' 新名称 ' }, 2)).toEqual({ ok: true, body: { op: 'rename', baseVersion: 2, code: 'U1', name: '新名称' } });
    expect(buildEdit({ op: 'rename', code: 'U1', name: ' ' }, 2)).toEqual({ ok: false, reason: 'name' });
    expect(buildEdit({ op: 'recode', code: 'U1', newCode: 'U1' }, 2)).toEqual({ ok: false, reason: 'sameCode' });
    expect(buildEdit({ op: 'recode', code: 'U1', newCode: '' }, 2)).toEqual({ ok: false, reason: 'newCode' });
    expect(buildEdit({ op: 'recode', code: 'U1', newCode: '360730001001099' }, 2)).toEqual({ ok: true, body: { op: 'recode', baseVersion: 2, code: 'U1', newCode: '360730001001099' } });
  });

  it('clean: metres from the form, 0 allowed, nothing else', () => {
    expect(buildEdit({ op: 'clean', level: 'unit', snapM: '0.5', maxGapM: '5' }, 9)).toEqual({ ok: true, body: { op: 'clean', baseVersion: 9, level: 'unit', snapM: 0.5, maxGapM: 5 } });
    expect(buildEdit({ op: 'clean', level: 'large', snapM: '1,5', maxGapM: 0 }, 9)).toMatchObject({ ok: true, body: { snapM: 1.5, maxGapM: 0 } });
    expect(buildEdit({ op: 'clean', level: 'unit', snapM: '', maxGapM: '5' }, 9)).toEqual({ ok: false, reason: 'snapM' });
    expect(buildEdit({ op: 'clean', level: 'unit', snapM: '1', maxGapM: '-2' }, 9)).toEqual({ ok: false, reason: 'maxGapM' });
    expect(metres('abc')).toBeNull();
  });
});
