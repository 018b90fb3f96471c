// The report's pictures of what was learned, from a small real run: the |cos| heatmap is drawn,
// and for the masking arm its sorted diagonal (atoms × matched neurons) is brighter than the rest.
import { describe, expect, it } from 'vitest';
import { jobsOf, parseExperiment } from './config';
import { runJob } from './job';
import { absCosMatrix, absCosRows, diagonalOrder } from './pictures';
import { diagonalContrast, renderReport } from './report';
import { summarize } from './results';
import { tinyDecoupling } from './test-fixtures/tiny-decoupling';

// The tiny decoupling setting of the CLI's tests, one seed, plus an arm with dense features.
const base = tinyDecoupling();
const exp = parseExperiment({
  ...base,
  name: 'tiny-pictures',
  seeds: [0],
  arms: [
    ...(base['arms'] as object[]),
    { name: 'dense', augment: { type: 'complementaryMask', keepProb: 0.5 }, data: { type: 'sparseCoding', denseRank: 2 } },
  ],
});

describe('pictures of what was learned', () => {
  it('absCosMatrix and diagonalOrder on a known matrix', () => {
    // Dictionary = e1, e2 (columns); neuron 0 ∥ e2, neuron 1 = (e1 + e2)/√2, neuron 2 ∥ e1.
    const cos = absCosMatrix(
      [
        [0, 2],
        [1, 1],
        [3, 0],
      ],
      [
        [1, 0],
        [0, 1],
      ],
    );
    expect(cos[0]).toEqual([0, 1]);
    expect(cos[1]![0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(cos[2]).toEqual([1, 0]);
    // Atom 0 ↔ neuron 2, atom 1 ↔ neuron 0 (both |cos| 1, ties by index); neuron 1 is left over.
    expect(diagonalOrder(cos)).toEqual({ rows: [2, 0, 1], cols: [0, 1] });
    expect(diagonalContrast(cos).diagonal).toBe(1);
  });

  it('a small real run: the heatmap is in the report and masking shows a diagonal', async () => {
    const results = [];
    for (const spec of jobsOf(exp)) results.push(await runJob(spec, { backend: 'cpu' }));
    const r = summarize(exp, results);
    const json = JSON.parse(JSON.stringify(r)) as typeof r; // what results.json keeps
    const masking = json.arms.find((a) => a.name === 'masking')!.pictures!;
    expect(masking.seed).toBe(0);
    expect(masking.absCos).toHaveLength(16);
    expect(absCosRows(masking.absCos!)[0]).toHaveLength(8);
    expect(masking.denseMass).toBeUndefined(); // no dense part in its data
    expect(json.arms.find((a) => a.name === 'dense')!.pictures!.denseMass).toHaveLength(16);
    expect(masking.spectrum).toHaveLength(16);
    // One line of 3-decimal values per neuron: results.json stays small.
    expect(masking.absCos![0]).toMatch(/^\d\.\d{3}( \d\.\d{3}){7}$/);
    const c = diagonalContrast(absCosRows(masking.absCos!));
    const none = diagonalContrast(absCosRows(json.arms.find((a) => a.name === 'none')!.pictures!.absCos!));
    // Measured: masking diagonal 0.596 vs off-diagonal 0.074 (×8.1); none 0.712 vs 0.185 (×3.9): without
    // augmentation neurons mix atoms (brighter everywhere), with masking each neuron takes one atom.
    expect(c.diagonal).toBeGreaterThan(4 * c.offDiagonal);
    expect(c.diagonal / c.offDiagonal).toBeGreaterThan(1.5 * (none.diagonal / none.offDiagonal));
    const html = renderReport(exp, json);
    expect(html).toContain('<h2>What was learned</h2>');
    expect(html).toContain('aria-label="masking (seed 0)"');
    expect(html).toContain('Eigenvalue spectrum of the representation');
    expect(html).toContain('Dense mass per neuron, sorted');
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });
});
