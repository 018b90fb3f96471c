// parseCsv / csvDataset against RFC 4180 and the documented rules (csv.ts): what counts as a
// number, quoting, line endings and line numbers, the header rule, the label column, and each
// error with its whole message (source, line, column, found, expected). Inputs and expected
// values are written out by hand.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { csvDataset, parseCsv } from './csv';

const features = (text: string, options = {}) => Array.from(parseCsv(text, { header: false, ...options }).x);
const labels = (text: string, options = {}) => Array.from(parseCsv(text, options).labels);

describe('parseCsv: numbers', () => {
  it('accepts decimal numbers with optional sign, fraction and exponent (surrounding spaces trimmed)', () => {
    const cells = ['12', '+2', '-3', '1.', '.5', '1.25', '1e2', '1E-2', '-.5e+1', ' 7 ', '0'];
    const expected = [12, 2, -3, 1, 0.5, 1.25, 100, 0.01, -5, 7, 0];
    const text = cells.map((c) => `${c},0`).join('\n');
    expect(features(text)).toEqual(expected.map(Math.fround));
  });

  it('refuses anything else, naming the line, the column and the cell', () => {
    for (const cell of ['1.2.3', 'e5', '1e', '1e+', 'x1', '1x', '--1', '+', '.', '0x10', 'Infinity', '1,5'.slice(0, 0) + '1 5']) {
      expect(() => parseCsv(`1,0\n${cell},0\n`, { source: 's.csv' }), cell).toThrow(
        `parseCsv: s.csv line 2 column 1: ${JSON.stringify(cell)} is not a number`,
      );
    }
  });
});

describe('parseCsv: records', () => {
  it('quoted cells hold delimiters, doubled quotes and line breaks; later line numbers count those breaks', () => {
    const text = 'name,"a,b",label\n"1","2",0\n"3\n",4,1\n';
    const p = parseCsv(text);
    expect(p.featureNames).toEqual(['name', 'a,b']);
    expect(Array.from(p.x)).toEqual([1, 2, 3, 4]);
    // The quoted line break is inside record 3, so the ragged record after it starts on line 5.
    expect(() => parseCsv(`${text}1,2\n`, { source: 'q.csv' })).toThrow(
      'parseCsv: q.csv line 5: has 2 cells, expected 3 like the header (ragged rows)',
    );
    // "x ""y""" is the text x "y" (not a number): the error shows it unescaped.
    expect(() => parseCsv('a,label\n"x ""y""",0\n', { source: 'q.csv' })).toThrow(
      `parseCsv: q.csv line 2 column 1 ('a'): ${JSON.stringify('x "y"')} is not a number`,
    );
    // Spaces before an opening quote are allowed; a quote inside a cell is a plain character.
    expect(features('  "4",0\n')).toEqual([4]);
    expect(() => parseCsv('1,0\n4"5,0\n', { source: 'q.csv' })).toThrow(`q.csv line 2 column 1: ${JSON.stringify('4"5')} is not a number`);
  });

  it('CR, LF and CRLF each end a record; blank lines are skipped but counted', () => {
    expect(features('1,0\r2,0\n3,0\r\n4,0')).toEqual([1, 2, 3, 4]);
    expect(() => parseCsv('1,0\r\n\r\n  \n1,0,5\n', { source: 'n.csv' })).toThrow(
      'parseCsv: n.csv line 4: has 3 cells, expected 2 like the first row (ragged rows)',
    );
    expect(() => parseCsv('1,0\r2,0\r1\r', { source: 'n.csv' })).toThrow('n.csv line 3: has 1 cells, expected 2 like the first row');
    // Two LFs in a row are two line ends (only CR LF is one).
    expect(() => parseCsv('1,0\n\n1,0,5\n', { source: 'n.csv' })).toThrow('n.csv line 3: has 3 cells');
    // A quoted empty cell alone on a line is a record (of one cell), not a blank line.
    expect(() => parseCsv('1,0\n""\n', { source: 'n.csv' })).toThrow('n.csv line 2: has 1 cells, expected 2 like the first row');
    // A last record without a line break, and one that ends in an empty cell.
    expect(labels('1,0\n2,3', { header: false })).toEqual([0, 3]);
    expect(() => parseCsv('1,0\n2,', { source: 'n.csv' })).toThrow(`n.csv line 2 column 2: label "" is not a non-negative integer`);
    // A last line of one cell, without a line break, is a record too.
    expect(() => parseCsv('1,0\n5', { source: 'n.csv' })).toThrow('n.csv line 2: has 1 cells, expected 2 like the first row');
    // An unclosed quote names the line its record starts on.
    expect(() => parseCsv('1,0\n2,0\n"3,0\n4,0\n', { source: 'n.csv' })).toThrow('parseCsv: n.csv line 3: a quoted cell is never closed');
  });

  it('bytes are read as UTF-8', () => {
    expect(parseCsv(new TextEncoder().encode('é,label\n2,1\n'))).toMatchObject({ featureNames: ['é'], rows: 1 });
  });

  it('other delimiters; a delimiter that is not one character is refused', () => {
    expect(features('1;2;0\n', { delimiter: ';' })).toEqual([1, 2]);
    expect(features('1\t2\t0\n', { delimiter: '\t' })).toEqual([1, 2]);
    expect(() => parseCsv('1,2\n', { delimiter: '' })).toThrow(/parseCsv: invalid argument 'options\.delimiter'/);
  });
});

describe('parseCsv: header and label column', () => {
  it("header 'auto': a header when any first-row cell is not a number; true and false force it", () => {
    expect(parseCsv('1,2,0\n3,4,1\n')).toMatchObject({ rows: 2, labelColumn: 2 });
    expect(parseCsv('1,2,0\n3,4,1\n').featureNames).toBeUndefined();
    expect(parseCsv('1,b,0\n3,4,1\n')).toMatchObject({ rows: 1, featureNames: ['1', 'b'], labelColumn: '0' });
    expect(parseCsv('1,2,0\n3,4,1\n', { header: true })).toMatchObject({ rows: 1, featureNames: ['1', '2'], labelColumn: '0' });
    // Cells are trimmed before the number test: ' 1 ' is a number, so no header.
    expect(parseCsv(' 1 ,0\n2,1\n')).toMatchObject({ rows: 2, labelColumn: 1 });
    // Header names are trimmed.
    expect(parseCsv(' a , label \n1,0\n').featureNames).toEqual(['a']);
  });

  it('the label column: named label, else the last; a name, or an index counted from either end', () => {
    expect(parseCsv('label,a,b\n0,1,2\n')).toMatchObject({ labelColumn: 'label', featureNames: ['a', 'b'] });
    expect(labels('label,a,b\n0,1,2\n')).toEqual([0]);
    expect(parseCsv('a,b,c\n1,2,3\n')).toMatchObject({ labelColumn: 'c', featureNames: ['a', 'b'] });
    expect(parseCsv('a,b,c\n1,2,3\n', { label: 'b' })).toMatchObject({ labelColumn: 'b', featureNames: ['a', 'c'] });
    // The first column (index 0) can be named as the label too.
    expect(parseCsv('a,b,c\n1,2,3\n', { label: 'a' })).toMatchObject({
      labelColumn: 'a',
      featureNames: ['b', 'c'],
      labels: Int32Array.from([1]),
    });
    expect(Array.from(parseCsv('a,b,c\n1,2,3\n', { label: 'a' }).x)).toEqual([2, 3]);
    expect(() => parseCsv('a,b\n1,2\n', { label: 'c', source: 'l.csv' })).toThrow(
      "parseCsv: l.csv header: has no column named 'c' (columns: a, b)",
    );
    const text = '5,6,7\n';
    expect(parseCsv(text, { label: 2 })).toMatchObject({ labelColumn: 2, labels: Int32Array.from([7]) });
    expect(parseCsv(text, { label: -1 })).toMatchObject({ labelColumn: 2, labels: Int32Array.from([7]) });
    expect(parseCsv(text, { label: -3 })).toMatchObject({ labelColumn: 0, labels: Int32Array.from([5]) });
    expect(Array.from(parseCsv(text, { label: -3 }).x)).toEqual([6, 7]);
    for (const label of [3, -4]) {
      expect(() => parseCsv(text, { label, source: 'l.csv' })).toThrow(
        `parseCsv: l.csv: label column index ${label} is outside the 3 columns`,
      );
    }
    expect(() => parseCsv('5,6\n', { label: 'y', source: 'l.csv' })).toThrow(
      "parseCsv: l.csv: label column 'y' is given by name but the file has no header",
    );
    expect(() => parseCsv('7\n', { source: 'l.csv' })).toThrow(
      'parseCsv: l.csv line 1: needs at least one feature column and a label column, found 1 column',
    );
    expect(() => parseCsv('\n\n', { source: 'l.csv' })).toThrow('parseCsv: l.csv: no rows');
  });

  it('labels: non-negative integers up to 2^31 − 1 (a leading + allowed), or class names', () => {
    expect(labels('1,+3\n1,007\n1,2147483647\n', { header: false })).toEqual([3, 7, 2147483647]);
    for (const cell of ['2147483648', '1e1', '-0', ' ']) {
      // The whole message: no classNames, so no hint about them.
      expect(() => parseCsv(`1,0\n1,${cell}\n`, { source: 'y.csv' }), cell).toThrow(
        new RegExp(
          `^parseCsv: y\\.csv line 2 column 2: label ${JSON.stringify(cell.trim()).replace(/[+.]/g, '\\$&')} is not a non-negative integer$`,
        ),
      );
    }
    // Without classNames no name is a label (not even a single letter).
    expect(() => parseCsv('1,0\n1,S\n', { source: 'y.csv' })).toThrow(
      'parseCsv: y.csv line 2 column 2: label "S" is not a non-negative integer',
    );
    // A name in classNames wins over reading the cell as a number.
    expect(labels('x,y\n1,b\n1,0\n1,1\n', { classNames: ['1', 'b'] })).toEqual([1, 0, 0]);
    expect(() => parseCsv('x,y\n1,c\n', { classNames: ['a', 'b'], source: 'y.csv' })).toThrow(
      `parseCsv: y.csv line 2 column 2 ('y'): label "c" is not a non-negative integer or one of the classNames`,
    );
  });
});

describe('csvDataset', () => {
  it('name from source (default csv), shape [features] and scale 1 by default; classNames and numClasses checked', () => {
    const ds = csvDataset('a,b,label\n1,2,1\n3,4,0\n');
    expect([ds.name, ds.length, ds.shape, ds.numClasses, ds.classNames]).toEqual(['csv', 2, [2], 2, undefined]);
    const b = ds.get([0]);
    expect(Array.from(b.x.dataSync())).toEqual([1, 2]);
    tf.dispose(b);
    const named = csvDataset('a,label\n1,0\n', { source: 'f.csv', numClasses: 4 });
    expect([named.name, named.numClasses]).toEqual(['f.csv', 4]);
    expect(csvDataset('a,label\n1,b\n', { classNames: ['a', 'b'] }).classNames).toEqual(['a', 'b']);
    expect(() => csvDataset('a,label\n1,0\n', { classNames: ['a', 'b'], numClasses: 3 })).toThrow(
      "csvDataset: 'classNames' must name each of the 3 classes, got 2 names",
    );
    // The class names are checked before the labels against numClasses.
    expect(() => csvDataset('a,label\n1,5\n', { classNames: ['a', 'b'], numClasses: 3 })).toThrow(
      "csvDataset: 'classNames' must name each of the 3 classes, got 2 names",
    );
  });
});
