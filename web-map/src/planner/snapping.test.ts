import { describe, expect, it } from 'vitest';
import { closestOnSegment, snapPosition } from './snapping';

// 1 degree = 1000 px, y down: enough of a projection for the test.
const project = (lng: number, lat: number) => ({ x: lng * 1000, y: -lat * 1000 });
const neighbour = [[[0, 0], [0.1, 0], [0.1, 0.1], [0, 0.1], [0, 0]]];

describe('snapping to the neighbours', () => {
  it('snaps to a vertex within its distance, exactly', () => {
    expect(snapPosition({ x: 105, y: -3 }, neighbour, project)).toEqual({ position: [0.1, 0], to: 'vertex', distancePx: Math.hypot(5, 3) });
  });

  it('prefers a vertex to an edge, and takes an edge point when no vertex is near', () => {
    const near = snapPosition({ x: 50, y: 4 }, neighbour, project)!;
    expect(near.to).toBe('edge');
    expect(near.position[0]).toBeCloseTo(0.05);
    expect(near.position[1]).toBeCloseTo(0);
    expect(snapPosition({ x: 8, y: 5 }, neighbour, project)!.to).toBe('vertex');
  });

  it('leaves the pointer alone when nothing is close', () => {
    expect(snapPosition({ x: 50, y: -50 }, neighbour, project)).toBeNull();
    expect(snapPosition({ x: 50, y: 40 }, [], project)).toBeNull();
  });

  it('clamps to the segment', () => {
    expect(closestOnSegment({ x: -5, y: 1 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toEqual({ at: { x: 0, y: 0 }, t: 0 });
    expect(closestOnSegment({ x: 4, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toEqual({ at: { x: 4, y: 0 }, t: 0.4 });
    expect(closestOnSegment({ x: 4, y: 3 }, { x: 2, y: 2 }, { x: 2, y: 2 }).t).toBe(0);
  });
});
