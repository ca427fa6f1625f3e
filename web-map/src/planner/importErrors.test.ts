import { describe, expect, it } from 'vitest';
import { importErrorRows, parseImportKey } from './importErrors';

describe('import errors', () => {
  it('reads the feature number and field from the key', () => {
    expect(parseImportKey('feature 3 (code)')).toEqual({ feature: 3, field: 'code' });
    expect(parseImportKey('Feature #12 (geometry)')).toEqual({ feature: 12, field: 'geometry' });
    expect(parseImportKey('feature 4')).toEqual({ feature: 4, field: '' });
    expect(parseImportKey('feature 5: parentCode')).toEqual({ feature: 5, field: 'parentCode' });
    expect(parseImportKey('file')).toEqual({ feature: null, field: '' });
    expect(parseImportKey('crs')).toEqual({ feature: null, field: 'crs' });
  });

  it('lists the file first, then features in number order', () => {
    const rows = importErrorRows({
      'feature 10 (code)': ['duplicate code U1'],
      'feature 2 (name)': ['empty'],
      'feature 2 (code)': ['not 15 digits', 'empty'],
      file: ['no .prj in the zip'],
    });
    expect(rows.map((r) => r.key)).toEqual(['file', 'feature 2 (code)', 'feature 2 (name)', 'feature 10 (code)']);
    expect(rows[1]!.messages).toEqual(['not 15 digits', 'empty']);
  });
});
