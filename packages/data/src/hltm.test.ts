import * as tf from '@tensorflow/tfjs-core';
import { createRng, InvalidArgumentError } from '@contrastive/core';
import { describeBackends, expectNoLeak } from '@contrastive/test-utils';
import { describe, expect, it } from 'vitest';
import { hltm } from './hltm';

/** |observed frequency − expected probability| within 5 binomial standard errors. */
function expectFrequency(hits: number, n: number, p: number): void {
  const tol = 5 * Math.sqrt((p * (1 - p)) / n) + 1e-12;
  expect(Math.abs(hits / n - p), `frequency ${hits / n} vs ${p} (n = ${n})`).toBeLessThanOrEqual(tol);
}

describe('hltm layout and polarities', () => {
  it('numbers a complete tree breadth-first, root first', () => {
    const model = hltm({ depth: 3, children: 2, seed: 0 });
    expect(model.numNodes).toBe(15);
    expect(model.numLeaves).toBe(8);
    expect(model.inputDim).toBe(8);
    expect(model.leafOffset).toBe(7);
    expect(model.levelOffsets).toEqual([0, 1, 3, 7, 15]);
    expect(Array.from(model.parents())).toEqual([-1, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    expect(Array.from(model.nodeLevels())).toEqual([0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3]);
    const ternary = hltm({ depth: 2, children: 3 });
    expect(ternary.numNodes).toBe(13);
    expect(Array.from(ternary.parents()).slice(4)).toEqual([1, 1, 1, 2, 2, 2, 3, 3, 3]);
  });

  it('draws polarities δ = ±U[δl, δu] with both signs, deterministically from the seed', () => {
    const model = hltm({ depth: 5, deltaLower: 0.8, deltaUpper: 0.95, seed: 5 });
    const pol = model.polarities();
    expect(pol[0]).toBe(0);
    const edges = Array.from(pol.slice(1));
    expect(Array.from(edges).every((v: number) => Math.abs(v) >= 0.8 && Math.abs(v) < 0.95)).toBe(true);
    // 62 edges with a fair sign: P(all one sign) = 2^-61.
    expect(edges.some((v) => v < 0) && edges.some((v) => v > 0)).toBe(true);
    expect(hltm({ depth: 5, deltaLower: 0.8, deltaUpper: 0.95, seed: 5 }).polarities()).toEqual(pol);
    expect(hltm({ depth: 5, deltaLower: 0.8, deltaUpper: 0.95, seed: 6 }).polarities()).not.toEqual(pol);
  });
});

describe('hltm sampling statistics (docs/science/hltm.md §4.2, n = 20000, 5σ binomial bounds)', () => {
  const B = 20000;
  const model = hltm({ depth: 3, children: 2, deltaLower: 0.3, deltaUpper: 0.9, seed: 2 });
  const N = model.numNodes;
  const pol = model.polarities();
  const parents = model.parents();

  it('P(child = parent) = (1 + δ)/2 on every edge; root uniform; leaves = last latents', () => {
    const { x, latents, root } = model.sample(B);
    const s = latents.dataSync();
    const rv = root.dataSync();
    const xv = x.dataSync();
    expectFrequency(
      Array.from(rv).reduce((a: number, v: number) => a + v, 0),
      B,
      0.5,
    );
    for (let i = 1; i < N; i++) {
      let same = 0;
      for (let b = 0; b < B; b++) same += s[b * N + i] === s[b * N + parents[i]!] ? 1 : 0;
      expectFrequency(same, B, (1 + pol[i]!) / 2);
    }
    for (let b = 0; b < 100; b++) {
      expect(s[b * N]).toBe(rv[b]);
      for (let l = 0; l < 8; l++) expect(xv[b * 8 + l]).toBe(s[b * N + 7 + l]);
    }
    tf.dispose([x, latents, root]);
  });

  it('a leaf agrees with the root with probability (1 + Πδ)/2 along its path', () => {
    // Composing binary symmetric channels multiplies their polarities.
    const { x, latents, root } = model.sample(B);
    const s = latents.dataSync();
    for (let leaf = 7; leaf < N; leaf++) {
      let prod = 1;
      for (let i = leaf; i > 0; i = parents[i]!) prod *= pol[i]!;
      let same = 0;
      for (let b = 0; b < B; b++) same += s[b * N + leaf] === s[b * N] ? 1 : 0;
      expectFrequency(same, B, (1 + prod) / 2);
    }
    tf.dispose([x, latents, root]);
  });

  it('positive pairs share the root and re-sample every other node independently given it', () => {
    const pair = model.samplePair(B);
    const a = pair.latents.dataSync();
    const b2 = pair.latentsPositive.dataSync();
    const rv = pair.root.dataSync();
    for (let b = 0; b < B; b++) {
      expect(a[b * N]).toBe(rv[b]);
      expect(b2[b * N]).toBe(rv[b]);
    }
    // Level-1 node i: both copies agree with the root w.p. q = (1+δ)/2 independently ⇒ q² + (1−q)².
    for (const i of [1, 2]) {
      const q = (1 + pol[i]!) / 2;
      let same = 0;
      for (let b = 0; b < B; b++) same += a[b * N + i] === b2[b * N + i] ? 1 : 0;
      expectFrequency(same, B, q * q + (1 - q) * (1 - q));
    }
    expect(pair.x.shape).toEqual([B, 8]);
    expect(pair.xPositive.shape).toEqual([B, 8]);
    tf.dispose(pair);
  });
});

describeBackends('hltm', () => {
  it('is reproducible for a seed and for an rng state, and does not leak', async () => {
    const a = hltm({ depth: 4, seed: 3 });
    const b = hltm({ depth: 4, seed: 3 });
    const pa = a.samplePair(64);
    const pb = b.samplePair(64);
    expect(pa.x.dataSync()).toEqual(pb.x.dataSync());
    expect(pa.latentsPositive.dataSync()).toEqual(pb.latentsPositive.dataSync());
    const state = createRng(8).getState();
    const s1 = a.sample(32, createRng(state));
    const s2 = b.sample(32, createRng(state));
    expect(s1.latents.dataSync()).toEqual(s2.latents.dataSync());
    tf.dispose([pa, pb, s1, s2]);
    await expectNoLeak(() => a.sample(16));
    await expectNoLeak(() => a.samplePair(16));
    a.dispose();
    expect(() => a.sample(2)).toThrow(/disposed/);
  });
});

describe('hltm errors', () => {
  it('rejects bad options with the key named', () => {
    expect(() => hltm({ deltaLower: 0.9, deltaUpper: 0.8 })).toThrow(/options\.deltaLower.*≤ deltaUpper \(0\.8\)/);
    expect(() => hltm({ depth: 0 })).toThrow(/options\.depth/);
    expect(() => hltm({ children: 1 })).toThrow(/options\.children/);
    expect(() => hltm({ deltaLower: NaN })).toThrow(InvalidArgumentError);
    expect(() => hltm({ deltaUpper: 1.5 })).toThrow(/options\.deltaUpper/);
    expect(() => hltm({ depth: 40 })).toThrow(/options\.depth.*at most 1048576 nodes/);
    expect(() => hltm().sample(-1)).toThrow(/batchSize/);
  });
});
