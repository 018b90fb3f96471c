// Embedding Projector export at its edges: the file format (tensors TSV, metadata TSV with its
// header rule and cell escaping, the index/label/class columns) and every error text, all written
// out by hand (format: tensorflow/docs site/en/guide/embedding.md; tensorboard projector "Load").
import { describe, expect, it } from 'vitest';
import { embeddingProjectorFiles, embeddingsToTsv, metadataToTsv } from './embedding-export';

describe('metadataToTsv: escaping and column checks', () => {
  it('a run of tabs / CR / LF inside a cell becomes one space (CRLF is one break, not two)', () => {
    expect(metadataToTsv({ a: ['x\r\ny', 'p\t\tq', 'r\n\ns'], b: [1, 2, 3] })).toBe('a\tb\nx y\t1\np q\t2\nr s\t3\n');
    // Column names are cells too.
    expect(metadataToTsv({ 'first\tname': ['u'], b: ['v'] })).toBe('first name\tb\nu\tv\n');
  });

  it('no columns: the exact error text', () => {
    expect(() => metadataToTsv({})).toThrow("metadataToTsv: invalid argument 'columns': expected at least one column, got {}");
  });

  it('a column that is not an array of values is named, whatever it is', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'null'],
      [5, '5'],
      ['xy', '"xy"'], // a string has a numeric length but is not an array of values
      [{ length: 'two' }, '{"length":"two"}'],
    ];
    for (const [bad, shown] of cases) {
      expect(() => metadataToTsv({ a: [1, 2], b: bad as number[] })).toThrow(
        `metadataToTsv: invalid argument 'columns.b': expected an array of values, got ${shown}`,
      );
    }
  });

  it('a column of the wrong length: the exact error text', () => {
    expect(() => metadataToTsv({ a: [1, 2], b: [1] })).toThrow(
      `metadataToTsv: invalid argument 'columns.b': expected 2 values (as columns.a), got "1 values"`,
    );
  });
});

describe('embeddingsToTsv / embeddingProjectorFiles: format and errors', () => {
  it('embeddingsToTsv names itself in option errors', () => {
    expect(() => embeddingsToTsv([[1]], { digits: 0 })).toThrow(/^embeddingsToTsv: .*digits/);
    expect(() => embeddingsToTsv([[1]], { digits: 18 })).toThrow(/^embeddingsToTsv: .*digits/);
  });

  it('without classNames the metadata is index and label only', () => {
    const files = embeddingProjectorFiles(
      [
        [1, 2],
        [3, 4],
      ],
      [3, 1],
    );
    expect(files.vectors).toBe('1\t2\n3\t4\n');
    expect(files.metadata).toBe('index\tlabel\n0\t3\n1\t1\n');
  });

  it('labels missing or of the wrong length: the exact error text', () => {
    const x = [
      [1, 2],
      [3, 4],
    ];
    expect(() => embeddingProjectorFiles(x, [0])).toThrow(
      "embeddingProjectorFiles: invalid argument 'labels': expected 2 labels (one per embedding row), got 1",
    );
    expect(() => embeddingProjectorFiles(x, undefined as unknown as number[])).toThrow(
      "embeddingProjectorFiles: invalid argument 'labels': expected 2 labels (one per embedding row), got undefined",
    );
  });

  it('a label without a class name: the exact error text with the valid range', () => {
    expect(() => embeddingProjectorFiles([[1], [2], [3]], [0, 2, 1], { classNames: ['cat', 'dog'] })).toThrow(
      "embeddingProjectorFiles: invalid argument 'labels[1]': expected a class with a name in classNames (0..1), got 2",
    );
  });
});
