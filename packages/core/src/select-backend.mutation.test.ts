// selectBackend's decisions on fake backend packages installed in a temporary app directory (the
// resolution path of pnpm's strict layout, see select-backend.test.ts): a package that throws on
// load, one that is "not found", one that registers nothing, a backend whose factory fails, and the browser path (no `process.versions.node`).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importOptional, selectBackend } from './select-backend';

const initial = tf.getBackend();
let app: string;

function fakePackage(name: string, body: string): void {
  const dir = join(app, 'node_modules', ...name.split('/'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '0.0.0', main: 'index.cjs' }));
  writeFileSync(join(dir, 'index.cjs'), body);
}

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'contrastive-backends-'));
  // Throws on load: reported with the first line of its message.
  fakePackage('@tensorflow/tfjs-node', "throw new Error('native binding failed\\nsecond line');");
  // A load error carrying a not-found code but no "Cannot find" text: still "not installed".
  fakePackage('@tensorflow/tfjs-backend-webgpu', "throw Object.assign(new Error('gone'), { code: 'MODULE_NOT_FOUND' });");
  // Loads but registers no backend (a second tfjs-core copy).
  fakePackage('@tensorflow/tfjs-backend-webgl', 'module.exports = {};');
});

afterAll(async () => {
  rmSync(app, { recursive: true, force: true });
  await tf.setBackend(initial);
});

function inApp<T>(f: () => Promise<T>): Promise<T> {
  const cwd = vi.spyOn(process, 'cwd').mockReturnValue(app);
  return f().finally(() => cwd.mockRestore());
}

describe('selectBackend: why each backend was passed over', () => {
  it('failed to load (first line of the error), not installed (by code), loaded without registering', async () => {
    const r = await inApp(() => selectBackend({ prefer: ['tensorflow', 'webgpu', 'webgl', 'cpu'], nativeKernels: false, warn: false }));
    expect(r).toEqual({
      backend: 'cpu',
      nativeKernels: false,
      skipped: [
        { backend: 'tensorflow', reason: '@tensorflow/tfjs-node failed to load (native binding failed)' },
        { backend: 'webgpu', reason: '@tensorflow/tfjs-backend-webgpu is not installed' },
        {
          backend: 'webgl',
          reason: "@tensorflow/tfjs-backend-webgl loaded but registered no 'webgl' backend (a second copy of @tensorflow/tfjs-core?)",
        },
      ],
    });
  });

  it('a registered backend that fails to initialise is skipped; the final error lists every reason', async () => {
    tf.registerBackend('webgpu', () => Promise.reject(new Error('no adapter')));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {}); // tfjs reports the failed initialisation
    try {
      const r = await selectBackend({ prefer: ['webgpu', 'cpu'], nativeKernels: false, warn: false });
      expect(r.backend).toBe('cpu');
      expect(r.skipped).toEqual([{ backend: 'webgpu', reason: 'failed to initialise' }]);
      await expect(inApp(() => selectBackend({ prefer: ['webgpu', 'webgl'], nativeKernels: false }))).rejects.toThrow(
        "selectBackend: no backend could be initialised: webgpu: failed to initialise; webgl: @tensorflow/tfjs-backend-webgl loaded but registered no 'webgl' backend (a second copy of @tensorflow/tfjs-core?)",
      );
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/webgpu/);
    } finally {
      tf.removeBackend('webgpu');
    }
  });

  it('rejects a prefer list with any unknown name, listing the known ones', async () => {
    await expect(selectBackend({ prefer: ['cpu', 'wsam' as never] })).rejects.toThrow(
      `selectBackend: invalid argument 'options.prefer': expected a non-empty array of tensorflow, webgpu, webgl, wasm, cpu, got ["cpu","wsam"]`,
    );
  });
});

describe('importOptional', () => {
  it("rethrows the original not-found error when the app's directory has no such package either", async () => {
    await expect(inApp(() => importOptional('contrastive-no-such-package'))).rejects.toThrow(/contrastive-no-such-package/);
  });
});

describe('selectBackend in a browser (no process.versions.node)', () => {
  it('imports nothing: an unregistered backend is skipped with what to import', async () => {
    const real = process;
    const fake = new Proxy(real, {
      get: (t, k) => {
        if (k === 'versions') return {};
        const v = Reflect.get(t, k) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
      },
    });
    vi.stubGlobal('process', fake);
    let r;
    try {
      // warn: false keeps the once-per-process warning for select-backend.test.ts (mutation runs
      // share modules between test files).
      r = await selectBackend({ prefer: ['webgpu', 'cpu'], warn: false });
    } finally {
      vi.unstubAllGlobals();
    }
    expect(r).toEqual({
      backend: 'cpu',
      nativeKernels: false,
      skipped: [{ backend: 'webgpu', reason: "not registered: import '@tensorflow/tfjs-backend-webgpu' in your bundle" }],
    });
  });
});
