import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { I18n } from '../i18n';
import { MemoryStorage } from '../ready';
import { fake, installFakeDom } from '../testing/fakeDom';
import { importForm, importOutcome, importProblems, renderImportOutcome } from './importReport';

const zh = () => new I18n(new MemoryStorage());

beforeEach(() => installFakeDom());
afterEach(() => vi.unstubAllGlobals());

const refused = new ApiError(400, 'Bad', '3 rows have problems; nothing was written.', {
  'crews.csv row 10': ["'role' is one of lead, enforcement."],
  'users.csv': ['users.csv is empty: the first line names the columns.'],
  'crews.csv row 4': ["There is no team '<b>三队</b>' (in the file or the county).", "'isLead' is true or false."],
  'teams.csv row 2': ['A grid team names its \'largeGrid\'.'],
});

describe('importForm', () => {
  it('names each part as the server expects, with the file name', async () => {
    const crews = new File(['employeeNo,name\n'], 'my-crews.csv', { type: 'text/csv' });
    const form = importForm({ crews, users: new Blob(['username\n']) })!;
    expect([...form.keys()]).toEqual(['crews', 'users']);
    expect((form.get('crews') as File).name).toBe('my-crews.csv');
    expect((form.get('users') as File).name).toBe('users.csv');
    expect(await (form.get('crews') as File).text()).toBe('employeeNo,name\n');
  });

  it('is null with no file chosen', () => {
    expect(importForm({})).toBeNull();
  });
});

describe('importProblems', () => {
  it('reads file and row from each key, in the order the server named the files, rows by number', () => {
    expect(importProblems(refused).map((p) => [p.file, p.row])).toEqual([
      ['crews.csv', 4],
      ['crews.csv', 10],
      ['users.csv', null],
      ['teams.csv', 2],
    ]);
    expect(importProblems(refused)[0]!.messages).toHaveLength(2);
  });
});

describe('importOutcome', () => {
  it('a validation problem is a report, anything else a failure with its detail', () => {
    expect(importOutcome({ error: refused }, zh())).toMatchObject({ kind: 'rejected', detail: '3 rows have problems; nothing was written.' });
    expect(importOutcome({ error: new ApiError(413, 'Too large', 'A people import is at most 5 MB.') }, zh())).toEqual({ kind: 'failed', message: 'A people import is at most 5 MB.' });
    expect(importOutcome({ error: new ApiError(400, 'Bad', 'Send multipart.') }, zh())).toEqual({ kind: 'failed', message: 'Send multipart.' });
  });
});

describe('renderImportOutcome', () => {
  it('lists every bad row with its file, row number and messages, all as text', () => {
    const root = fake(renderImportOutcome(importOutcome({ error: refused }, zh()), zh()));
    expect(root.getAttribute('data-state')).toBe('rejected');
    expect(root.querySelector('.admin-error')!.textContent).toBe('有 4 处问题，未写入任何数据。请修改后重新上传。');
    const rows = root.querySelectorAll('tbody tr');
    expect(rows.map((r) => r.getAttribute('data-where'))).toEqual(['crews.csv row 4', 'crews.csv row 10', 'users.csv', 'teams.csv row 2']);
    const first = rows[0]!;
    expect(first.querySelector('.import-file')!.textContent).toBe('crews.csv');
    expect(first.querySelector('.import-row')!.textContent).toBe('第 4 行');
    expect(first.querySelector('.import-messages')!.children.map((d) => d.textContent)).toEqual([
      "There is no team '<b>三队</b>' (in the file or the county).",
      "'isLead' is true or false.",
    ]);
    expect(root.querySelector('tr[data-where=users.csv] .import-row')!.textContent).toBe('—');
    expect(rows[1]!.getAttribute('data-row')).toBe('10');
  });

  it('shows the counts, and the first passwords once with the warning', () => {
    const result = {
      teams: { created: 1, updated: 0 },
      crews: { created: 2, updated: 1 },
      users: { created: 1, updated: 0 },
      passwords: [{ username: 'crew-<i>x</i>', password: 'Ab3dEf6hJk9m' }],
    };
    const i18n = zh();
    const root = fake(renderImportOutcome(importOutcome({ result }, i18n), i18n));
    expect(root.getAttribute('data-state')).toBe('done');
    const count = (kind: string, which: string) => root.querySelector(`tr[data-kind=${kind}] td[data-count=${which}]`)!.textContent;
    expect([count('teams', 'created'), count('crews', 'created'), count('crews', 'updated'), count('users', 'created')]).toEqual(['1', '2', '1', '1']);
    expect(root.querySelector('.import-passwords .admin-warning')!.textContent).toContain('只显示这一次');
    expect(root.querySelector('.import-passwords tbody tr')!.textContent).toBe('crew-<i>x</i>Ab3dEf6hJk9m');
    i18n.set('en');
    const en = fake(renderImportOutcome(importOutcome({ result: { ...result, passwords: [] } }, i18n), i18n));
    expect(en.querySelector('tr[data-kind=crews] td')!.textContent).toBe('Crews');
    expect(en.querySelector('.import-passwords')).toBeNull();
  });
});
