import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from './errors';
import { importOptional, selectBackend } from './select-backend';

const initial = tf.getBackend();
afterAll(async () => {
  await tf.setBackend(initial);
});

// The workspace has @tensorflow/tfjs-backend-wasm installed and not @tensorflow/tfjs-node, the
// common library-user setup; the packaging test covers @contrastive/native installed next to it.
describe('selectBackend (Node)', () => {
  it('skips tfjs-node when it is not installed and picks wasm, which then computes', async () => {
    const r = await selectBackend({ nativeKernels: false });
    expect(r.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.nativeKernels).toBe(false);
    expect(r.skipped).toEqual([{ backend: 'tensorflow', reason: expect.stringMatching(/^@tensorflow\/tfjs-node is not installed/) }]);
    // [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]] on the chosen backend
    const c = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).arraySync());
    expect(c).toEqual([
      [19, 22],
      [43, 50],
    ]);
  });

  it('falls back to cpu with one warning per process saying what to install; an explicit cpu does not warn', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const explicit = await selectBackend({ prefer: ['cpu'], nativeKernels: false });
    expect(explicit).toEqual({ backend: 'cpu', nativeKernels: false, skipped: [] });
    expect(warn).not.toHaveBeenCalled();
    for (let i = 0; i < 2; i++) {
      const r = await selectBackend({ prefer: ['tensorflow', 'cpu'], nativeKernels: false });
      expect(r.backend).toBe('cpu');
      expect(r.skipped.map((s) => s.backend)).toEqual(['tensorflow']);
    }
    expect(tf.getBackend()).toBe('cpu');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/'cpu' backend.*Install @tensorflow\/tfjs-backend-wasm \(and @contrastive\/native/);
  });

  it('says which backends failed and why when none initialises, and rejects unknown names', async () => {
    await expect(selectBackend({ prefer: ['tensorflow', 'webgpu'] })).rejects.toThrow(
      /no backend could be initialised: tensorflow: @tensorflow\/tfjs-node is not installed.*webgpu: /,
    );
    await expect(selectBackend({ prefer: ['wsam' as never] })).rejects.toThrow(InvalidArgumentError);
    await expect(selectBackend({ prefer: [] })).rejects.toThrow(/options\.prefer/);
  });
});

describe("selectBackend's optional imports", () => {
  it("find a package installed in the app's directory that this package cannot see (pnpm's strict layout)", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const app = mkdtempSync(join(tmpdir(), 'contrastive-app-'));
    const dir = join(app, 'node_modules', 'contrastive-fake-plugin');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'contrastive-fake-plugin', version: '0.0.0', main: 'index.cjs' }));
    writeFileSync(join(dir, 'index.cjs'), 'exports.useNativeKernels = () => ({ available: true, from: __dirname });');
    await expect(importOptional('contrastive-fake-plugin')).rejects.toThrow(); // not visible from here
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue(app);
    try {
      const mod = (await importOptional('contrastive-fake-plugin')) as { useNativeKernels: () => { available: boolean; from: string } };
      expect(mod.useNativeKernels()).toEqual({ available: true, from: dir });
    } finally {
      cwd.mockRestore();
      rmSync(app, { recursive: true, force: true });
    }
  });
});
