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
