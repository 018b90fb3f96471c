// End-to-end: the BUILT site in Debian's chromium (playwright-core, never a downloaded browser),
// served by a loopback static server. The reference numbers are computed here, in Node, by the
// same lab core on the same backend (wasm) and compared with the page's own state (window.__lab).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../src/core/session';
import { decouplingJob, type DecouplingSettingsInput } from '../src/core/settings';
import './lab-window';
import { serveStatic } from './serve';

/**
 * Steps of the e2e runs (the preset trains 3000). Measured at seed 0 after 800 steps: masking
 * recovers 28/32 atoms with the tfjs kernels (30/32 with the CLI's native step), none 0/32.
 */
const STEPS = 800;
const SEED = 0;
const app = fileURLToPath(new URL('..', import.meta.url));
const dist = `${app}dist/`;
const artefacts = `${app}test-results/`;
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** `contrastive run feature-decoupling --seeds 0 --steps 800 --backend wasm --no-native`: its results.json. */
const cliResultsPath = `${app}test/fixtures/feature-decoupling-results.json`;

interface NodeRun {
  loss: number[];
  final: Record<string, number>;
  stepsPerSecond: number;
}
const numbers: Record<string, unknown> = {};
let browser: Browser;
const servers: Array<{ url: string; close(): Promise<void> }> = [];
const reference: Partial<Record<'masking' | 'none', NodeRun>> = {};

/** The same job through the lab core in Node: wasm backend, tfjs kernels (the CLI's --no-native). */
async function nodeRun(settings: DecouplingSettingsInput): Promise<NodeRun> {
  const s = createSession(decouplingJob(settings));
  try {
    while (!s.done) await s.advance(1000);
    const r = s.result(tf.getBackend());
    return { loss: r.history.loss, final: r.final, stepsPerSecond: r.stepsPerSecond };
  } finally {
    s.dispose();
  }
}

async function openPage(url: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.__lab?.state.backend !== undefined || (window.__lab?.state.errors.length ?? 0) > 0, null, {
    timeout: 60_000,
  });
  return { page, errors, readyMs: Date.now() - t0 };
}

const lastRun = (page: Page) => page.evaluate(() => window.__lab.state.runs.at(-1)!);
const waitStatus = (page: Page, statuses: string[], timeout = 180_000) =>
  page.waitForFunction((s) => s.includes(window.__lab.state.runs.at(-1)?.status ?? ''), statuses, { timeout });

async function trainDecoupling(page: Page, augment: string, steps: number) {
  await page.selectOption('#augment', augment);
  await page.fill('#steps', String(steps));
  await page.fill('#seed', String(SEED));
  await page.click('#train');
}

beforeAll(async () => {
  process.env['CONTRASTIVE_NATIVE'] = '0';
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `chromium not found at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set CHROMIUM_PATH`,
    );
  }
  if (!existsSync(`${dist}index.html`)) execFileSync(`${app}node_modules/.bin/vite`, ['build'], { cwd: app, stdio: 'inherit' });
  mkdirSync(artefacts, { recursive: true });
  await tf.setBackend('wasm');
  await tf.ready();
  reference.masking = await nodeRun({ augment: 'masking', steps: STEPS, seed: SEED });
  reference.none = await nodeRun({ augment: 'none', steps: STEPS, seed: SEED });
  numbers['node wasm steps/s (lab core, tfjs kernels)'] = reference.masking.stepsPerSecond;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  servers.push(await serveStatic(dist), await serveStatic(dist, { isolated: true }));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.close()));
  if (existsSync(artefacts)) writeFileSync(`${artefacts}numbers.json`, `${JSON.stringify(numbers, null, 2)}\n`);
  console.log('lab e2e numbers:', JSON.stringify(numbers, null, 2));
});

describe('the lab in chromium', () => {
  it('feature decoupling: masking recovers the atoms (the Node and CLI figure), none stays near 0, the page answers while training', async () => {
    const { page, errors, readyMs } = await openPage(`${servers[0]!.url}?backend=wasm`);
    const backend = await page.evaluate(() => window.__lab.state.backend!);
    expect(backend).toMatchObject({ name: 'wasm', threads: 1, crossOriginIsolated: false });
    numbers['cold load to backend ready (ms)'] = readyMs;

    await trainDecoupling(page, 'masking', STEPS);
    await page.waitForFunction(() => (window.__lab.state.runs[0]?.jobs[0]?.step ?? 0) >= 20, null, { timeout: 60_000 });
    numbers['cold load: navigation to first trained step (ms)'] = await page.evaluate(() => window.__lab.state.runs[0]!.firstStepAt);

    // Responsiveness: a click handler runs, a worker round trip returns, pause/resume take effect, mid-training
    // (within seconds even on a loaded CI machine; the run itself takes far longer).
    const clicks = await page.evaluate(() => window.__lab.clicks);
    let t = Date.now();
    await page.click('nav button[data-view="open"]');
    await page.waitForFunction((c) => window.__lab.clicks === c + 1 && !document.getElementById('view-open')!.hidden, clicks, {
      timeout: 5000,
    });
    numbers['click handler latency while training (ms)'] = Date.now() - t;
    await page.click('nav button[data-view="decoupling"]');
    const pingMs = await page.evaluate(() => window.__lab.ping());
    expect(pingMs).toBeLessThan(5000);
    numbers['worker ping round trip while training (ms)'] = pingMs;
    t = Date.now();
    await page.click('#pause');
    await waitStatus(page, ['paused'], 5000);
    numbers['pause latency while training (ms)'] = Date.now() - t;
    const pausedAt = (await lastRun(page)).jobs[0]!.step;
    await page.waitForTimeout(400);
    expect((await lastRun(page)).jobs[0]!.step).toBe(pausedAt);
    expect(pausedAt).toBeLessThan(STEPS);
    await page.click('#pause');
    await waitStatus(page, ['running', 'done']);
    await waitStatus(page, ['done', 'error']);

    const masking = (await lastRun(page)).jobs[0]!;
    expect(masking.result?.engine).toBe('tfjs');
    numbers['chromium wasm 1 thread steps/s (incl. evals every 100 steps)'] = masking.result!.stepsPerSecond;
    // Same seed, same backend: the page's run is the Node run, step for step.
    const ref = reference.masking!;
    expect(masking.loss).toHaveLength(STEPS);
    const maxRel = Math.max(...masking.loss.map((v, i) => Math.abs(v - ref.loss[i]!) / Math.abs(ref.loss[i]!)));
    numbers['max relative loss difference chromium vs node (wasm)'] = maxRel;
    expect(maxRel).toBeLessThanOrEqual(1e-5);
    for (const k of ['atomRecovery.fraction', 'atomRecovery.median', 'stdOfNormalized'])
      expect(masking.result!.final[k]).toBeCloseTo(ref.final[k]!, 5);
    const fraction = masking.result!.final['atomRecovery.fraction']!;
    expect(fraction).toBe(ref.final['atomRecovery.fraction']);
    // The CLI's figure for the same seed, settings and engine (tfjs on wasm): exactly the same.
    const cli = JSON.parse(readFileSync(cliResultsPath, 'utf8')) as {
      steps: number;
      arms: Array<{ name: string; seeds: Array<{ seed: number; final: Record<string, number> }> }>;
    };
    expect(cli.steps).toBe(STEPS);
    const cliFraction = cli.arms.find((a) => a.name === 'complementary masking')!.seeds.find((s) => s.seed === SEED)!.final[
      'atomRecovery.fraction'
    ]!;
    expect(fraction).toBe(cliFraction);
    expect(fraction).toBeGreaterThanOrEqual(0.8);
    numbers['atoms recovered, masking, seed 0, 800 steps (chromium / node / cli)'] = [
      fraction,
      ref.final['atomRecovery.fraction'],
      cliFraction,
    ];
    await page.screenshot({ path: `${artefacts}decoupling-masking.png`, fullPage: true });

    // Change a setting: no augmentation, compared side by side with the masking run.
    await trainDecoupling(page, 'none', STEPS);
    await waitStatus(page, ['done', 'error']);
    const none = (await lastRun(page)).jobs[0]!;
    const noneFraction = none.result!.final['atomRecovery.fraction']!;
    expect(noneFraction).toBe(reference.none!.final['atomRecovery.fraction']);
    expect(noneFraction).toBeLessThanOrEqual(0.1);
    numbers['atoms recovered, none, seed 0, 800 steps (chromium / node)'] = [noneFraction, reference.none!.final['atomRecovery.fraction']];
    expect(await page.locator('#compare-with').inputValue()).toBe('run-1');
    await page.waitForSelector('#panel-previous [data-testid="heatmap"] svg');
    await page.waitForSelector('#panel-current [data-testid="heatmap"] svg');
    await page.screenshot({ path: `${artefacts}decoupling-side-by-side.png`, fullPage: true });
    await page.screenshot({ path: `${artefacts}readme.png`, clip: { x: 0, y: 0, width: 1280, height: 900 } });
    expect(errors).toEqual([]);
  });

  it('compare: two losses on identical data, views, networks and seeds, then the report', async () => {
    const { page, errors } = await openPage(`${servers[0]!.url}?backend=wasm`);
    await page.click('nav button[data-view="compare"]');
    for (const box of await page.locator('#compare-losses input').all())
      await box.setChecked(['infonce', 'simsiam'].includes(await box.inputValue()));
    await page.fill('#compare-steps', '100');
    await page.click('#compare-run');
    await waitStatus(page, ['done', 'error']);
    const run = await lastRun(page);
    expect(run.status).toBe('done');
    expect(run.jobs.map((j) => [j.arm, j.step])).toEqual([
      ['infonce', 100],
      ['simsiam', 100],
    ]);
    await page.waitForSelector('#compare-report [data-testid="finals"]');
    expect(await page.locator('#compare-report [data-testid="finals"] tr').count()).toBe(3);
    await page.screenshot({ path: `${artefacts}compare.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('opens a CLI run (results.json) and explains a file that is not one', async () => {
    const { page, errors } = await openPage(`${servers[0]!.url}?backend=wasm`);
    await page.click('nav button[data-view="open"]');
    await page.setInputFiles('#open-file', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"steps": 1}') });
    await page.waitForSelector('#open-error:not([hidden])');
    expect(await page.textContent('#open-error')).toMatch(/bad\.json is not a contrastive results\.json: experiment/);
    await page.setInputFiles('#open-file', cliResultsPath);
    await page.waitForSelector('#open-report [data-testid="checks"]');
    expect(await page.locator('#open-error').isHidden()).toBe(true);
    expect(await page.locator('#open-report [data-testid="checks"] tr').count()).toBe(6);
    expect(await page.locator('#open-report [data-testid="finals"] tr').count()).toBe(6);
    expect(await page.locator('#open-report svg').count()).toBeGreaterThan(3);
    await page.screenshot({ path: `${artefacts}open-run.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('runs wasm multi-threaded (2 threads) when cross-origin isolated (and measures WebGL when the browser has it)', async () => {
    const speed = async (url: string, steps: number) => {
      const { page, errors } = await openPage(url);
      const backend = await page.evaluate(() => window.__lab.state.backend);
      if (!backend) return { backend: undefined, errors };
      await trainDecoupling(page, 'masking', steps);
      await waitStatus(page, ['done', 'error']);
      const run = await lastRun(page);
      await page.context().close();
      return { backend, errors, run };
    };
    const iso = await speed(`${servers[1]!.url}?backend=wasm&threads=2`, 200);
    // The threaded SIMD build of tfjs-backend-wasm loads (its pthread workers start) when isolated.
    expect(iso.backend).toMatchObject({ name: 'wasm', crossOriginIsolated: true, wasmThreads: true });
    expect(iso.backend!.threads).toBe(2);
    expect(iso.run!.status).toBe('done');
    expect(iso.errors).toEqual([]);
    numbers[`chromium wasm ${iso.backend!.threads} threads steps/s (200 steps)`] = iso.run!.jobs[0]!.result!.stepsPerSecond;

    const gl = await speed(`${servers[0]!.url}?backend=webgl`, 50);
    numbers['chromium webgl'] =
      gl.backend?.name === 'webgl' && gl.run?.status === 'done'
        ? { stepsPerSecond: gl.run.jobs[0]!.result!.stepsPerSecond }
        : 'unavailable in this headless chromium';
  });
});
