import { describe, expect, it } from 'vitest';
import { importErrorRows, parseImportKey } from './importErrors';

describe('import errors', () => {
  it('reads the feature number and its grid code from the key, as the server writes them', () => {
    expect(parseImportKey('feature 3 (360730001001003)')).toEqual({ feature: 3, code: '360730001001003' });
    expect(parseImportKey('Feature #12 (L07)')).toEqual({ feature: 12, code: 'L07' });
    expect(parseImportKey('feature 4')).toEqual({ feature: 4, code: '' });
    expect(parseImportKey('feature 5: U5')).toEqual({ feature: 5, code: 'U5' });
    expect(parseImportKey('file')).toEqual({ feature: null, code: '' });
    expect(parseImportKey('crs')).toEqual({ feature: null, code: 'crs' });
  });

  it('lists the file first, then features in number order', () => {
    const rows = importErrorRows({
      'feature 10 (U1)': ['duplicate code U1'],
      'feature 2 (U9)': ['empty'],
      'feature 2 (U2)': ['not 15 digits', 'empty'],
      file: ['no .prj in the zip'],
    });
    expect(rows.map((r) => r.key)).toEqual(['file', 'feature 2 (U2)', 'feature 2 (U9)', 'feature 10 (U1)']);
    expect(rows[1]!.messages).toEqual(['not 15 digits', 'empty']);
  });
});
