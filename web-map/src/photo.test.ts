import { describe, expect, it } from 'vitest';
import { fitWithin, MAX_SIDE } from './photo';

describe('fitWithin', () => {
  it('scales a 12 MP photo so its longest side is 2048 px, keeping the aspect ratio', () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 2048, height: 1536, scaled: true });
    expect(fitWithin(3024, 4032)).toEqual({ width: 1536, height: 2048, scaled: true });
  });
  it('leaves a small photo as it is', () => {
    expect(fitWithin(1600, 1200)).toEqual({ width: 1600, height: 1200, scaled: false });
    expect(fitWithin(MAX_SIDE, 10)).toEqual({ width: MAX_SIDE, height: 10, scaled: false });
  });
  it('never goes below one pixel or above the limit', () => {
    expect(fitWithin(100_000, 10)).toEqual({ width: 2048, height: 1, scaled: true });
    expect(fitWithin(0, 10)).toEqual({ width: 0, height: 0, scaled: false });
  });
});

describe('photo sizing', () => {
  it('keeps a small photo as it is', () => {
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600, scaled: false });
    expect(fitWithin(2048, 1536)).toEqual({ width: 2048, height: 1536, scaled: false });
  });

  it('brings the longer side down to 2048, keeping the shape', () => {
    expect(fitWithin(4032, 3024)).toEqual({ width: 2048, height: 1536, scaled: true });
    expect(fitWithin(3024, 4032)).toEqual({ width: 1536, height: 2048, scaled: true });
    expect(fitWithin(10000, 10)).toEqual({ width: 2048, height: 2, scaled: true });
    expect(fitWithin(100000, 1)).toEqual({ width: 2048, height: 1, scaled: true });
    expect(fitWithin(4000, 3000, 1000)).toEqual({ width: 1000, height: 750, scaled: true });
  });

  it('gives nothing for an empty image', () => {
    expect(fitWithin(0, 100).width).toBe(0);
    expect(fitWithin(Number.NaN, 100).width).toBe(0);
  });
});
