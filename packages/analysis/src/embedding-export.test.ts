import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { embeddingProjectorFiles, embeddingsToTsv, metadataToTsv } from './embedding-export';

describe('Embedding Projector export', () => {
  it('vectors: one tab-separated row per line, no header; float32 values read back exactly', () => {
    const x = tf.tensor2d([
      [0.1, -2, 3.5],
      [1e-7, 0, 12345.678],
    ]);
    const tsv = embeddingsToTsv(x);
    expect(tsv).toBe('0.100000001\t-2\t3.5\n1.00000001e-7\t0\t12345.6777\n');
    const back = tsv
      .trim()
      .split('\n')
      .map((l) => l.split('\t').map(Number));
    expect(Float32Array.from(back.flat())).toEqual(x.dataSync());
    x.dispose();
    expect(embeddingsToTsv([[1 / 3, 2 / 3]], { digits: 3 })).toBe('0.333\t0.667\n');
  });

  it('metadata: a header with two or more columns, none with one (the projector reads a single column as labels)', () => {
    expect(metadataToTsv({ label: [0, 1], class: ['T-shirt/top', 'Trouser'] })).toBe('label\tclass\n0\tT-shirt/top\n1\tTrouser\n');
    expect(metadataToTsv({ label: [3, 4] })).toBe('3\n4\n');
    expect(metadataToTsv({ a: ['x\ty', 'line\nbreak'], b: [1, 2] })).toBe('a\tb\nx y\t1\nline break\t2\n');
    expect(() => metadataToTsv({ a: [1, 2], b: [1] })).toThrow(/columns\.b.*2 values/);
    expect(() => metadataToTsv({})).toThrow(/at least one column/);
  });

  it('embeddingProjectorFiles: vectors plus index/label/class metadata, one line each per point', () => {
    const files = embeddingProjectorFiles(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [2, 0, 2],
      { classNames: ['a', 'b', 'c'] },
    );
    expect(files.vectors).toBe('1\t2\n3\t4\n5\t6\n');
    expect(files.metadata).toBe('index\tlabel\tclass\n0\t2\tc\n1\t0\ta\n2\t2\tc\n');
    expect(() => embeddingProjectorFiles([[1, 2]], [0, 1])).toThrow(/labels.*1 labels/);
    expect(() => embeddingProjectorFiles([[1, 2]], [3], { classNames: ['a'] })).toThrow(/labels\[0\]/);
  });
});
