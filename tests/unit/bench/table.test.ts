import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownTable } from '../../../bench/lib/table.ts';
import { fmtCount, fmtKb, fmtRatio, fmtSeconds } from '../../../bench/lib/format.ts';

test('markdownTable pads columns and puts a rule under the header', () => {
  const t = markdownTable(
    ['stage', 'median'],
    [
      ['S load', '1.20 s'],
      ['M', '9 s'],
    ],
  );
  assert.equal(t, ['| stage  | median |', '| ------ | ------ |', '| S load | 1.20 s |', '| M      | 9 s    |'].join('\n'));
});

test('markdownTable escapes pipes and flattens newlines so a cell stays one cell', () => {
  const t = markdownTable(['a'], [['x|y\nz']]);
  assert.equal(t.split('\n')[2], '| x\\|y z |');
});

test('markdownTable fills missing cells with blanks', () => {
  const t = markdownTable(['a', 'b'], [['1']]);
  assert.equal(t.split('\n')[2], '| 1   |     |');
});

test('number formats for the table', () => {
  assert.equal(fmtSeconds(1.234), '1.23 s');
  assert.equal(fmtSeconds(123.4), '123 s');
  assert.equal(fmtSeconds(null), '—');
  assert.equal(fmtCount(312_456), '312 k');
  assert.equal(fmtCount(2_000_000), '2.00 M');
  assert.equal(fmtKb(4 * 1024 * 1024), '4.00 GiB');
  assert.equal(fmtKb(512 * 1024), '512 MiB');
  assert.equal(fmtRatio(0.456), '0.46×');
  assert.equal(fmtRatio(null), '—');
});
