// End-to-end: real images in the BUILT site, in Debian's chromium (playwright-core), against the
// same image job run here in Node on the same backend (wasm): the augmentation preview, SimCLR
// training with the online kNN monitor and the embedding scatter, a comparison of two methods.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../src/core/image-file';
import { createImageSession } from '../src/core/image-session';
import { IMAGE_DATA_FILE, imageJobs } from '../src/core/image-settings';
import './lab-window';
import { serveStatic } from './serve';

/**
 * SimCLR steps of the e2e run (batch 64, the CNN at width ¼, seed 0). Measured in Node on wasm:
 * kNN top-1 (500 test images, 1000-image bank, k 20) 0.606 untrained, 0.634 at step 50, 0.672 at
 * step 100; the test asks for a rise of at least MARGIN.
 */
const STEPS = 100;
const MARGIN = 0.03;
const SEED = 0;
const app = fileURLToPath(new URL('..', import.meta.url));
const dist = `${app}dist/`;
const artefacts = `${app}test-results/`;
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const numbers: Record<string, unknown> = {};
let browser: Browser;
let server: { url: string; close(): Promise<void> };
let reference: { loss: number[]; evals: Array<{ step: number; metrics: Record<string, number> }>; stepsPerSecond: number };

async function openPage(url: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.__lab?.state.backend !== undefined || (window.__lab?.state.errors.length ?? 0) > 0, null, {
    timeout: 60_000,
  });
  return { page, errors };
}

const lastRun = (page: Page) => page.evaluate(() => window.__lab.state.runs.at(-1)!);
const waitDone = (page: Page, timeout = 300_000) =>
  page.waitForFunction(() => ['done', 'error'].includes(window.__lab.state.runs.at(-1)?.status ?? ''), null, { timeout });

async function train(page: Page, methods: string[], steps: number) {
  for (const box of await page.locator('#images-methods input').all()) await box.setChecked(methods.includes(await box.inputValue()));
  await page.fill('#images-steps', String(steps));
  await page.fill('#images-seed', String(SEED));
  await page.click('#images-train');
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`,
    );
  }
  if (!existsSync(`${dist}index.html`)) execFileSync(`${app}node_modules/.bin/vite`, ['build'], { cwd: app, stdio: 'inherit' });
  mkdirSync(artefacts, { recursive: true });
  await tf.setBackend('wasm');
  await tf.ready();
  // The same job as the page's, on the file the page loads (the built site's).
  const file = decodeImageFile(new Uint8Array(readFileSync(`${dist}${IMAGE_DATA_FILE}`)), IMAGE_DATA_FILE);
  const s = createImageSession(imageJobs({ methods: ['simclr'], steps: STEPS, seed: SEED })[0]!, file);
  try {
    while (!s.done) await s.advance(1000);
    const r = s.result('wasm');
    reference = { loss: r.history.loss, evals: r.history.evals, stepsPerSecond: r.stepsPerSecond };
  } finally {
    s.dispose();
  }
  numbers['node wasm SimCLR image steps/s (batch 64, evals every 25 steps)'] = reference.stepsPerSecond;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  server = await serveStatic(dist);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (existsSync(artefacts)) writeFileSync(`${artefacts}images-numbers.json`, `${JSON.stringify(numbers, null, 2)}\n`);
  console.log('lab images e2e numbers:', JSON.stringify(numbers, null, 2));
});

describe('real images in chromium', () => {
  it('cold load: navigation to the first trained image step (the data file fetched and decoded in the worker)', async () => {
    const { page, errors } = await openPage(`${server.url}?backend=wasm`);
    await page.click('nav button[data-view="images"]');
    await train(page, ['simclr'], 3);
    await page.waitForFunction(() => window.__lab.state.runs.at(-1)?.firstStepAt !== undefined, null, { timeout: 120_000 });
    numbers['cold load: navigation to first trained image step (ms)'] = await page.evaluate(
      () => window.__lab.state.runs.at(-1)!.firstStepAt,
    );
    await waitDone(page);
    expect((await lastRun(page)).status).toBe('done');
    await page.context().close();
    expect(errors).toEqual([]);
  });

  it('preview grid, then SimCLR: the kNN accuracy rises, equal to the Node run step for step; the scatter is drawn', async () => {
    const { page, errors } = await openPage(`${server.url}?backend=wasm`);
    await page.click('nav button[data-view="images"]');
    await page.waitForFunction(() => window.__lab.preview.drawn === 1, null, { timeout: 60_000 });
    expect(await page.locator('[data-testid="preview-item"]').count()).toBe(10);
    expect(await page.locator('#preview-grid canvas').count()).toBe(30);
    const pixels = () =>
      page.evaluate(() => [...document.querySelectorAll<HTMLCanvasElement>('#preview-grid canvas')].map((c) => c.toDataURL()));
    const before = await pixels();
    await page.click('#preview-redraw');
    await page.waitForFunction(() => window.__lab.preview.drawn === 2, null, { timeout: 60_000 });
    const after = await pixels();
    // The originals (every third canvas) stay; the views are drawn anew with the next seed.
    const originals = (a: string[]) => a.filter((_, i) => i % 3 === 0);
    const views = (a: string[]) => a.filter((_, i) => i % 3 !== 0);
    expect(originals(after)).toEqual(originals(before));
    expect(views(after).filter((v, i) => v !== views(before)[i]).length).toBeGreaterThan(15);
    expect(await page.evaluate(() => window.__lab.preview.seed)).toBe(1);
    await page.screenshot({ path: `${artefacts}images-preview.png`, fullPage: true });

    await train(page, ['simclr'], STEPS);
    await waitDone(page);
    const run = await lastRun(page);
    expect(run.status).toBe('done');
    const job = run.jobs[0]!;
    expect(job.loss).toHaveLength(STEPS);
    // Same seed, same backend (wasm): the page's run is the Node run.
    const maxRel = Math.max(...job.loss.map((v, i) => Math.abs(v - reference.loss[i]!) / Math.abs(reference.loss[i]!)));
    numbers['max relative loss difference chromium vs node (wasm, SimCLR images)'] = maxRel;
    expect(maxRel).toBeLessThanOrEqual(1e-5);
    expect(job.evals.map((e) => e.step)).toEqual(reference.evals.map((e) => e.step));
    for (const [i, e] of job.evals.entries()) expect(e.metrics['knn.top1']).toBeCloseTo(reference.evals[i]!.metrics['knn.top1']!, 6);
    const untrained = job.evals[0]!.metrics['knn.top1']!;
    const trained = job.evals.at(-1)!.metrics['knn.top1']!;
    numbers[`kNN top-1, SimCLR seed 0: untrained → ${STEPS} steps (chromium)`] = [untrained, trained];
    expect(untrained).toBeGreaterThan(0.3); // random CNN features already classify above chance (0.1)
    expect(trained).toBeGreaterThanOrEqual(untrained + MARGIN);
    numbers['chromium wasm 1 thread SimCLR image steps/s (batch 64, evals every 25 steps)'] = job.result!.stepsPerSecond;
    // The embedding scatter: one dot per scatter image, coloured by class, with a legend.
    await page.waitForSelector('#images-live [data-testid="scatter"] svg');
    expect(job.embedding!.x).toHaveLength(500);
    expect(new Set(job.embedding!.labels).size).toBe(10);
    expect(await page.locator('#images-live [data-testid="scatter"] circle').count()).toBe(500);
    await page.waitForSelector('#images-live [data-testid="knn-curve"] svg');
    await page.screenshot({ path: `${artefacts}images-simclr.png`, fullPage: true });
    await page.screenshot({ path: `${artefacts}readme-images.png`, clip: { x: 0, y: 0, width: 1280, height: 1000 } });
    expect(errors).toEqual([]);
  });

  it('compare: SimCLR and BYOL on identical data, views, network and seed, with the same plots', async () => {
    const { page, errors } = await openPage(`${server.url}?backend=wasm`);
    await page.click('nav button[data-view="images"]');
    await train(page, ['simclr', 'byol'], 10);
    await waitDone(page);
    const run = await lastRun(page);
    expect(run.status).toBe('done');
    expect(run.jobs.map((j) => [j.arm, j.step])).toEqual([
      ['simclr', 10],
      ['byol', 10],
    ]);
    // Identical initial encoder on identical data: the untrained evaluations are equal.
    expect(run.jobs[1]!.evals[0]!.metrics).toEqual(run.jobs[0]!.evals[0]!.metrics);
    expect(run.jobs[1]!.loss).not.toEqual(run.jobs[0]!.loss);
    // One scatter per method (each figure: Plot's svg with a dot per test image).
    await page.waitForFunction(() => document.querySelectorAll('#images-live [data-testid="scatter"]').length === 2);
    for (const fig of await page.locator('#images-live [data-testid="scatter"]').all())
      expect(await fig.locator('circle').count()).toBe(500);
    await page.screenshot({ path: `${artefacts}images-compare.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('measures WebGL when this chromium has it (a software rasteriser may not finish one step in a minute)', async () => {
    const { page } = await openPage(`${server.url}?backend=webgl`);
    const backend = await page.evaluate(() => window.__lab.state.backend);
    const key = 'chromium webgl SimCLR image steps/s';
    if (backend?.name !== 'webgl') {
      numbers[key] = 'unavailable in this headless chromium';
      return;
    }
    await page.click('nav button[data-view="images"]');
    await train(page, ['simclr'], 1);
    const budget = 60_000;
    const finished = await waitDone(page, budget).then(
      () => true,
      () => false,
    );
    const run = await lastRun(page);
    numbers[key] =
      finished && run.status === 'done' ? run.jobs[0]!.result!.stepsPerSecond : `no step in ${budget / 1000} s (${run.status})`;
    await page.context().close();
  }, 120_000);
});
