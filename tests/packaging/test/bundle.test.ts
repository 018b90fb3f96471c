// Every library bundles for the browser and for Node (issue 11): esbuild bundles each library, from
// the npm-installed tarballs, for `platform: 'browser'` and `platform: 'node'`; any error (a Node
// built-in reached from a default entry, an unresolved import) fails. The Node bundles run in Node,
// the browser bundles in headless Chromium (Debian's `chromium`, driven by playwright-core). A
// training bundle then does real work in both: InfoNCE steps on wasm, closed-form losses, an
// IndexedDB checkpoint saved, reloaded and resumed from. A browser bundle of @contrastive/losses
// must stay within 20 kB minified + gzipped (tfjs external: it is a peer).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { libraries, sh } from './global-setup';

const scratch = inject('scratch');
const app = join(scratch, 'app');
const out = join(app, 'bundles');
/** Debian's chromium (`apt-get install chromium`; .ci/run installs it). Missing ⇒ the test fails. */
const CHROMIUM = '/usr/bin/chromium';
/** Budget of issue 11: a browser bundle of @contrastive/losses, minified + gzipped, tfjs excluded. */
const LOSSES_BUDGET_GZIP = 20_000;

/** Bundles `source` (written as an entry file in the app, so it resolves the app's node_modules). */
async function bundle(name: string, source: string, platform: 'browser' | 'node', options: esbuild.BuildOptions = {}) {
  const entry = join(app, `entry-${name}-${platform}.mjs`);
  writeFileSync(entry, source);
  const outfile = join(out, `${name}-${platform}.js`);
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform,
    format: 'esm',
    outfile,
    write: true,
    metafile: true,
    logLevel: 'silent',
    target: 'es2022',
    ...options,
  });
  return { outfile, result };
}

/** esbuild errors, one line each (an unresolved Node built-in is one of them). */
async function bundleErrors(
  name: string,
  source: string,
  platform: 'browser' | 'node',
  options: esbuild.BuildOptions = {},
): Promise<string[]> {
  try {
    const { result } = await bundle(name, source, platform, options);
    // A warning about a Node built-in (e.g. a `require` of one that esbuild left in) counts too.
    return result.warnings.filter((w) => /built-in|node:|Node\.js/.test(w.text)).map((w) => `${w.location?.file}: ${w.text}`);
  } catch (e) {
    return ((e as esbuild.BuildFailure).errors ?? [{ text: String(e) }]).map(
      (m) => `${m.location?.file ?? ''}:${m.location?.line ?? ''} ${m.text}`,
    );
  }
}

const pkg = (lib: string) => `@contrastive/${lib}`;

/** The training workload, the same source for Node and the browser; it reports through `report`. */
const TRAIN_SOURCE = (platform: 'browser' | 'node') => `
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRng, registeredKernels, selectBackend } from '@contrastive/core';
import { sparseCoding } from '@contrastive/data';
import { complementaryMask } from '@contrastive/augment';
import { infoNCELoss, ntXentLoss, supConLoss } from '@contrastive/losses';
import { symmetricRelu } from '@contrastive/nets';
import { useNativeKernels } from '@contrastive/native';
import { contrastiveMethod, indexedDbCheckpointStore, memoryCheckpointStore, train } from '@contrastive/train';

async function run() {
  ${platform === 'browser' ? "setWasmPaths('/wasm/');" : ''}
  // The library user's one call: the best backend available here (the default order).
  const picked = await selectBackend();
  const auto = { backend: picked.backend, nativeKernels: picked.nativeKernels, skipped: picked.skipped.map((s) => s.backend) };
  // The numbers below on wasm, the backend both platforms share.
  const chosen = await selectBackend({ prefer: ['wasm'] });
  const n = 4;
  const same = tf.ones([n, 8]);
  const closed = {
    expected: Math.log(2 * n - 1),
    ntxent: ntXentLoss(same, same, { temperature: 0.5 }).dataSync()[0],
    supcon: supConLoss(tf.stack([same, same], 1), { temperature: 0.5 }).dataSync()[0],
  };
  const rng = createRng(1);
  const a = tf.tensor2d(rng.fillNormal(new Float32Array(32)), [4, 8]);
  const nce = infoNCELoss(a, tf.add(a, 0.1), { temperature: 0.1 }).dataSync()[0];

  const setup = (store) => {
    const data = sparseCoding({ ambientDim: 32, latentDim: 8, sparsity: 0.1, noiseToSignal: 4, seed: 3 });
    const encoder = symmetricRelu({ inputDim: 32, width: 8, unitNormRows: true, threshold: 0.05, seed: 3, name: 'enc' });
    const method = contrastiveMethod({ encoder, loss: 'infonce', temperature: 0.1, normalize: false });
    return { data, encoder, method, options: { data, augment: complementaryMask({ keepProb: 0.5 }), method, optimizer: { type: 'sgd', lr: 0.05 }, steps: 8, batchSize: 32, seed: 3, evalAtStart: false, checkpoint: store, checkpointEvery: 4 } };
  };
  const losses = [];
  const full = setup(memoryCheckpointStore());
  for await (const e of train(full.options)) if (e.type === 'step') losses.push(e.loss);
  const fullWeights = Array.from(full.encoder.weight.dataSync());
  const engine = full.method.engine;

  // A run killed after step 5 resumes from the checkpoint of step 4 to the same weights.
  let checkpoint;
  ${
    platform === 'browser'
      ? `const store = () => indexedDbCheckpointStore('packaging-test');
  const first = setup(store());
  const controller = new AbortController();
  for await (const e of train({ ...first.options, signal: controller.signal })) if (e.type === 'step' && e.step === 5) controller.abort();
  const saved = await store().load(); // a new store instance: read back from IndexedDB
  const second = setup(store());
  let resumedAt;
  for await (const e of train(second.options)) if (e.type === 'start') resumedAt = e.step;
  checkpoint = { savedStep: saved.step, variables: saved.variables.length, resumedAt, resumedWeights: Array.from(second.encoder.weight.dataSync()) };`
      : ''
  }
  return { platform: '${platform}', auto, backend: chosen.backend, closed, nce, losses, engine, fullWeights, checkpoint, native: useNativeKernels(), kernels: registeredKernels() };
}
${
  platform === 'browser'
    ? 'run().then((r) => { window.__result = r; }, (e) => { window.__error = String(e && e.stack || e); });'
    : 'run().then((r) => console.log(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });'
}
`;

/** Serves the app directory (bundles, the wasm binaries) over http, so IndexedDB has an origin. */
function serve(): Promise<Server> {
  const types: Record<string, string> = {
    '.js': 'text/javascript',
    '.html': 'text/html',
    '.wasm': 'application/wasm',
    '.map': 'application/json',
  };
  const wasmDir = join(app, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = url.pathname.startsWith('/wasm/')
      ? join(wasmDir, url.pathname.slice(6))
      : join(out, url.pathname.slice(1) || 'index.html');
    if (!file.startsWith(app) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let server: Server;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  server = await serve();
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // No skip: the packaging test proves the browser bundles, so a missing chromium is a failure.
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`).toBe(true);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless=new'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

/** Loads `scripts` (module bundles) into a fresh page and returns what `expression` evaluates to. */
async function inBrowser<T>(scripts: string[], wait: string, expression: string): Promise<{ value: T; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  writeFileSync(
    join(out, 'index.html'),
    `<!doctype html><meta charset="utf-8"><body>${scripts.map((s) => `<script type="module" src="/${s}"></script>`).join('')}</body>`,
  );
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(wait, undefined, { timeout: 240_000 });
  const value = (await page.evaluate(expression)) as T;
  await page.close();
  return { value, errors };
}

describe('bundles of every library (esbuild, from the installed tarballs)', () => {
  it.each(libraries)('%s bundles for the browser and for Node with no error and no Node built-in', async (lib) => {
    const source = `import * as m from '${pkg(lib)}';\n(globalThis.__libs ??= {})['${lib}'] = Object.keys(m).length;\nif (typeof m.nativeInfo === 'function') globalThis.__nativeInfo = m.nativeInfo();\nif (typeof m.useNativeKernels === 'function') globalThis.__native = m.useNativeKernels();\n`;
    expect(await bundleErrors(lib, source, 'browser', { external: ['@tensorflow/*'] }), `${lib} browser`).toEqual([]);
    expect(await bundleErrors(lib, source, 'node', { external: ['@tensorflow/*'] }), `${lib} node`).toEqual([]);
  });

  it('the Node bundles run in Node (the native bundle still finds its addon)', () => {
    for (const lib of libraries) {
      const file = join(out, `${lib}-node.js`);
      writeFileSync(file.replace(/\.js$/, '.mjs'), readFileSync(file));
      writeFileSync(
        join(app, `run-${lib}.mjs`),
        `import './bundles/${lib}-node.mjs';\nconsole.log(JSON.stringify(globalThis.__nativeInfo ?? null));\nconsole.log(JSON.stringify(globalThis.__libs));\n`,
      );
      const lines = sh('node', [`run-${lib}.mjs`], app)
        .trim()
        .split('\n');
      expect(JSON.parse(lines.at(-1)!)[lib], lib).toBeGreaterThan(0);
      if (lib === 'native') expect(JSON.parse(lines.at(-2)!).available, lines.at(-2)).toBe(true);
    }
  });

  it('the browser bundles load in Chromium; @contrastive/native there says it cannot run instead of breaking', async () => {
    const libs = libraries.map((l) => `${l}-browser.js`);
    // tfjs is external in these bundles: an import map points the bare specifier to a tfjs bundle.
    await bundle('tfjs', "export * from '@tensorflow/tfjs-core';", 'browser');
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    writeFileSync(
      join(out, 'index.html'),
      `<!doctype html><script type="importmap">{"imports":{"@tensorflow/tfjs-core":"/tfjs-browser.js"}}</script>${libs.map((s) => `<script type="module" src="/${s}"></script>`).join('')}`,
    );
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
    });
    await page.goto(`${origin}/index.html`);
    await page
      .waitForFunction(`window.__native && Object.keys(window.__libs ?? {}).length === ${libraries.length}`, undefined, { timeout: 30_000 })
      .catch((e: Error) => errors.push(e.message.split('\n')[0]!));
    const libsLoaded = ((await page.evaluate('window.__libs')) ?? {}) as Record<string, number>;
    const native = (await page.evaluate('window.__native')) as { available: boolean; reason: string; kernels: string[] };
    await page.close();
    expect(errors).toEqual([]);
    for (const lib of libraries) expect(libsLoaded[lib], lib).toBeGreaterThan(0);
    expect(native).toMatchObject({ available: false, kernels: [], reason: expect.stringMatching(/cannot load in a browser/) });
  });

  it('bundle sizes: every library minified + gzipped (tfjs external); @contrastive/losses within the 20 kB budget', async () => {
    const sizes: Record<string, { minified: number; gzip: number }> = {};
    for (const lib of libraries) {
      const { outfile } = await bundle(`${lib}-min`, `export * from '${pkg(lib)}';`, 'browser', {
        minify: true,
        external: ['@tensorflow/*'],
      });
      const code = readFileSync(outfile);
      sizes[lib] = { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
    }
    console.log(
      `browser bundle sizes (bytes, tfjs external):\n${Object.entries(sizes)
        .map(([l, s]) => `  @contrastive/${l}: ${s.minified} minified, ${s.gzip} gzip`)
        .join('\n')}`,
    );
    expect(
      sizes['losses']!.gzip,
      `@contrastive/losses is ${sizes['losses']!.gzip} B gzip, budget ${LOSSES_BUDGET_GZIP}`,
    ).toBeLessThanOrEqual(LOSSES_BUDGET_GZIP);
  });

  it('selectBackend + training bundle: the same InfoNCE run in Node and in Chromium, closed forms, an IndexedDB checkpoint resumed', async () => {
    // Optional packages selectBackend imports by a computed name must not break the bundlers either.
    expect(await bundleErrors('train-work', TRAIN_SOURCE('browser'), 'browser')).toEqual([]);
    // Node: tfjs external (its engine is a global anyway); our packages inlined, the native plugin
    // included: the kernels selectBackend registers through its own import reach the bundled core.
    expect(await bundleErrors('train-work', TRAIN_SOURCE('node'), 'node', { external: ['@tensorflow/*'] })).toEqual([]);
    writeFileSync(join(out, 'train-work-node.mjs'), readFileSync(join(out, 'train-work-node.js')));
    const node = JSON.parse(
      sh('node', [join(out, 'train-work-node.mjs')], app)
        .trim()
        .split('\n')
        .at(-1)!,
    );
    const { value: web, errors } = await inBrowser<typeof node>(
      ['train-work-browser.js'],
      'window.__result || window.__error',
      'window.__result ?? { error: window.__error }',
    );
    expect(web.error).toBeUndefined();
    expect(errors).toEqual([]);

    // Node: no tfjs-node here, so wasm, with the native kernels (installed in the app) registered.
    expect(node.auto).toEqual({ backend: 'wasm', nativeKernels: true, skipped: ['tensorflow'] });
    expect(node.engine).toBe('native'); // the fused step from the registry
    // Browser: webgpu/webgl when Chromium offers them, else wasm; never a Node-only path.
    expect(['webgpu', 'webgl', 'wasm']).toContain(web.auto.backend);
    expect(web.auto.nativeKernels).toBe(false);
    expect(web.native).toMatchObject({ available: false });
    expect(web.engine).toBe('tfjs');
    for (const r of [node, web]) {
      expect(r.backend).toBe('wasm');
      // Identical features: every candidate ties, so the loss is log(2N − 1) (SimCLR/SupCon, Khosla et al. 2020 Eq. 2).
      expect(r.closed.ntxent).toBeCloseTo(r.closed.expected, 5);
      expect(r.closed.supcon).toBeCloseTo(r.closed.expected, 5);
      expect(r.losses).toHaveLength(8);
      expect(r.losses.at(-1)).toBeLessThan(r.losses[0]);
    }
    expect(web.nce).toBeCloseTo(node.nce, 5);
    // Fused native step (Node) against the composed tfjs ops (browser wasm): float32 rounding only.
    for (let i = 0; i < 8; i++)
      expect(Math.abs(web.losses[i] - node.losses[i]), `step ${i}`).toBeLessThan(1e-4 * (1 + Math.abs(node.losses[i])));
    for (let i = 0; i < node.fullWeights.length; i++) expect(Math.abs(web.fullWeights[i] - node.fullWeights[i])).toBeLessThan(1e-3);
    // IndexedDB: the run aborted at step 5 saved the state it reached; a new store instance read it
    // back from the database, and the resumed run ended on the uninterrupted run's weights.
    expect(web.checkpoint.savedStep).toBe(5);
    expect(web.checkpoint.variables).toBeGreaterThan(0);
    expect(web.checkpoint.resumedAt).toBe(web.checkpoint.savedStep);
    expect(web.checkpoint.resumedWeights).toEqual(web.fullWeights);
  });
});
