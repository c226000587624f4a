import { describe, expect, it } from 'vitest';
import { detectLayout } from '../../../src/lib/csv/index.js';
import { CsvHeader } from '../../../src/lib/csv/row.js';
import {
  cleanGroups,
  formatGroups,
  formatLabel,
  parseDateCell,
  parseLabel,
  splitMulti,
} from '../../../src/lib/csv/values.js';

describe('CSV cell rules', () => {
  it('reads dates as Google and Outlook write them', () => {
    expect(parseDateCell('1990-05-12')).toEqual({ ok: true, value: '1990-05-12' });
    expect(parseDateCell(' --05-12')).toEqual({ ok: true, value: '--05-12' });
    expect(parseDateCell('--0229')).toEqual({ ok: true, value: '--02-29' });
    expect(parseDateCell('19900512')).toEqual({ ok: true, value: '1990-05-12' });
    expect(parseDateCell('1990-05-12T00:00:00Z')).toEqual({ ok: true, value: '1990-05-12' });
    expect(parseDateCell('5/12/1990')).toEqual({ ok: true, value: '1990-05-12' });
    expect(parseDateCell('12/31/2000')).toEqual({ ok: true, value: '2000-12-31' });
    expect(parseDateCell('3/7/1604')).toEqual({ ok: true, value: '--03-07' });
    expect(parseDateCell('1604-03-07')).toEqual({ ok: true, value: '--03-07' });
    expect(parseDateCell('0/0/00')).toEqual({ ok: true, value: null });
    expect(parseDateCell('')).toEqual({ ok: true, value: null });
    expect(parseDateCell('2000-02-29')).toEqual({ ok: true, value: '2000-02-29' });
    for (const bad of [
      '1900-02-29',
      '2023-04-31',
      '2023-13-01',
      '--02-30',
      '5/12/90',
      'May 5th',
      '2023-00-10',
    ]) {
      expect(parseDateCell(bad)).toEqual({ ok: false });
    }
  });

  it('turns labels into types and back', () => {
    expect(parseLabel('* Mobile')).toEqual({ type: 'mobile', primary: true });
    expect(parseLabel('*Home')).toEqual({ type: 'home', primary: true });
    expect(parseLabel('WORK')).toEqual({ type: 'work', primary: false });
    expect(parseLabel('Cell')).toEqual({ type: 'mobile', primary: false });
    expect(parseLabel('Home Page')).toEqual({ type: 'homepage', primary: false });
    expect(parseLabel('iPhone')).toEqual({ type: 'iphone', primary: false });
    expect(formatLabel('homepage')).toBe('Home Page');
    expect(formatLabel('fax')).toBe('Fax');
    expect(parseLabel('Dacha')).toEqual({ type: 'Dacha', primary: false });
    expect(parseLabel('*')).toEqual({ type: null, primary: true });
    expect(parseLabel('')).toEqual({ type: null, primary: false });
    expect(formatLabel('home fax', true)).toBe('* Home Fax');
    expect(formatLabel('cell')).toBe('Mobile');
    expect(formatLabel('Dacha')).toBe('Dacha');
    expect(formatLabel(null, true)).toBe('*');
    expect(formatLabel(null)).toBe('');
  });

  it('splits ` ::: ` lists, keeping empty positions', () => {
    expect(splitMulti('a ::: b')).toEqual(['a', 'b']);
    expect(splitMulti('Gym ::: Other :::')).toEqual(['Gym', 'Other', '']);
    expect(splitMulti(':::  x')).toEqual(['', 'x']);
    expect(splitMulti('  ')).toEqual([]);
  });

  it('cleans group names and writes them back as Google labels', () => {
    expect(
      cleanGroups(['* myContacts', '* starred', 'Family', 'System Group: My Contacts', 'Family', ' ']),
    ).toEqual(['starred', 'Family']);
    expect(cleanGroups(['System Group: Friends', '*Coworkers'])).toEqual(['Friends', 'Coworkers']);
    expect(formatGroups(['Starred', 'Family'])).toBe('* myContacts ::: * starred ::: Family');
    expect(formatGroups([])).toBe('* myContacts');
  });

  it('detects layouts from headers, and nothing from others', () => {
    const layout = (names: string[]) => detectLayout(new CsvHeader(names));
    expect(layout(['First Name', 'Labels'])).toBe('google');
    expect(layout(['First Name', 'Phone 1 - Label', 'Phone 1 - Value'])).toBe('google');
    expect(layout(['Name', 'E-mail 1 - Type', 'E-mail 1 - Value'])).toBe('google-legacy');
    expect(layout(['First Name', 'E-mail Address'])).toBe('outlook');
    expect(layout(['Name', 'Email', 'Phone'])).toBe('own');
    expect(layout(['First Name'])).toBe('google');
    expect(layout(['Vorname', 'Nachname'])).toBeNull();
  });
});
