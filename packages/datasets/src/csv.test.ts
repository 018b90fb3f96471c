import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { csvDataset, parseCsv } from './csv';
import { loadCsvDataset } from './files';

const tmp = mkdtempSync(join(tmpdir(), 'contrastive-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('parseCsv', () => {
  it('header detected, label column by name anywhere, CRLF, quoted header cells, blank lines, BOM', () => {
    const text = '\uFEFFf1,"label",f2\r\n1.5,2,-3\r\n\r\n4e-1,0,+5\r\n.5,1,6.\r\n';
    const p = parseCsv(text);
    expect([p.rows, p.features, p.labelColumn, p.featureNames]).toEqual([3, 2, 'label', ['f1', 'f2']]);
    expect(Array.from(p.x)).toEqual(Array.from(Float32Array.from([1.5, -3, 0.4, 5, 0.5, 6])));
    expect(Array.from(p.labels)).toEqual([2, 0, 1]);
  });

  it('no header: the label is the last column by default, or the given index (negative from the end)', () => {
    const text = '0,1,2\n3,4,5\n';
    const last = parseCsv(text);
    expect([Array.from(last.x), Array.from(last.labels), last.labelColumn]).toEqual([[0, 1, 3, 4], [2, 5], 2]);
    const firstCol = parseCsv(text, { label: 0 });
    expect([Array.from(firstCol.x), Array.from(firstCol.labels)]).toEqual([
      [1, 2, 4, 5],
      [0, 3],
    ]);
    expect(Array.from(parseCsv(text, { label: -2 }).labels)).toEqual([1, 4]);
    expect(parseCsv('a;b\n1;2\n', { delimiter: ';', header: true }).rows).toBe(1);
    // header: false makes a non-numeric first row an error instead of a header.
    expect(() => parseCsv('a,b\n1,2\n', { header: false, source: 'h.csv' })).toThrow(/h\.csv line 1 column 1: "a" is not a number/);
  });

  it('string labels map through classNames', () => {
    const p = parseCsv('x,species\n1,cat\n2,dog\n3,1\n', { classNames: ['cat', 'dog'] });
    expect(Array.from(p.labels)).toEqual([0, 1, 1]);
  });

  it('malformed input: each error names the source, the line and the column', () => {
    const o = { source: 'bad.csv' };
    expect(() => parseCsv('a,b,label\n1,2,0\n3,4\n', o)).toThrow(
      /parseCsv: bad\.csv line 3: has 2 cells, expected 3 like the header \(ragged rows\)/,
    );
    expect(() => parseCsv('a,b,label\n1,x,0\n', o)).toThrow(/bad\.csv line 2 column 2 \('b'\): "x" is not a number/);
    expect(() => parseCsv('a,b,label\n1,,0\n', o)).toThrow(/line 2 column 2 \('b'\): "" is not a number/);
    expect(() => parseCsv('a,b,label\n1,NaN,0\n', o)).toThrow(/"NaN" is not a number/);
    expect(() => parseCsv('a,b,label\n1,2,0\n1,2,1.5\n', o)).toThrow(
      /bad\.csv line 3 column 3 \('label'\): label "1\.5" is not a non-negative integer/,
    );
    expect(() => parseCsv('a,b,label\n1,2,-1\n', o)).toThrow(/label "-1" is not a non-negative integer/);
    expect(() => parseCsv('a,b,label\n1,2,cat\n', { ...o, classNames: ['dog'] })).toThrow(
      /label "cat" is not a non-negative integer or one of the classNames/,
    );
    expect(() => parseCsv('a,b\n1,2\n', { ...o, label: 'y' })).toThrow(/bad\.csv header: has no column named 'y' \(columns: a, b\)/);
    expect(() => parseCsv('1,2\n', { ...o, label: 'y' })).toThrow(/is given by name but the file has no header/);
    expect(() => parseCsv('1,2\n', { ...o, label: 5 })).toThrow(/label column index 5 is outside the 2 columns/);
    expect(() => parseCsv('', o)).toThrow(/bad\.csv: no rows/);
    expect(() => parseCsv('a,"b\n1,2\n', o)).toThrow(/bad\.csv line 1: a quoted cell is never closed/);
    expect(() => parseCsv('1\n2\n', o)).toThrow(/needs at least one feature column and a label column/);
    expect(() => parseCsv('1,2\n', { delimiter: ';;' } as never)).toThrow(/parseCsv: invalid argument 'options\.delimiter'/);
  });
});

describe('csvDataset / loadCsvDataset', () => {
  it('rows as images with shape and scale (0..255 pixels → [0, 1]); numClasses from classNames', () => {
    const rows = ['label,' + Array.from({ length: 4 }, (_, i) => `p${i}`).join(',')];
    rows.push('1,0,51,102,255', '0,255,0,0,0');
    const ds = csvDataset(rows.join('\n'), { shape: [2, 2, 1], scale: 1 / 255, classNames: ['a', 'b', 'c'] });
    expect([ds.length, ds.shape, ds.numClasses, ds.classNames]).toEqual([2, [2, 2, 1], 3, ['a', 'b', 'c']]);
    const b = ds.get([0]);
    expect(b.x.shape).toEqual([1, 2, 2, 1]);
    Array.from(b.x.dataSync()).forEach((v, i) => expect(v).toBeCloseTo([0, 0.2, 0.4, 1][i]!, 7));
    expect(Array.from(b.labels.dataSync())).toEqual([1]);
    tf.dispose(b);
    expect(() => csvDataset('a,b,label\n1,2,0\n', { shape: [3] })).toThrow(
      /csvDataset: 'x' holds 2 values, not a whole number of items of shape \[3\]/,
    );
    expect(() => csvDataset('a,b,label\n1,2,3\n', { numClasses: 2 })).toThrow(/csvDataset: 'labels\[0\]' is 3, outside 0\.\.1/);
  });

  it('reads a file; errors name the file; a missing file is a clear error', async () => {
    const path = join(tmp, 'data.csv');
    writeFileSync(path, 'a,b,label\n1,2,0\n3,4,1\n');
    const ds = await loadCsvDataset(path);
    expect([ds.name, ds.length, ds.shape]).toEqual([path, 2, [2]]);
    writeFileSync(path, 'a,b,label\n1,2,0\n3,4\n');
    await expect(loadCsvDataset(path)).rejects.toThrow(new RegExp(`${path.replace(/[.]/g, '\\.')} line 3: has 2 cells`));
    await expect(loadCsvDataset(join(tmp, 'missing.csv'))).rejects.toThrow(/loadCsvDataset: .*missing\.csv: cannot be read: no such file/);
  });
});
