// Fault-injection suite (issue 15 b–e) on the built binary, with a tiny config that trains in ~1 s:
//   (b) kill -9 at every write boundary (CONTRASTIVE_FAULT) and at seeded random times, then resume:
//       results.json must equal the uninterrupted run's number for number, metrics.jsonl has no
//       duplicate rows and no temp file is left;
//   (c) every kind of corrupted run file: exit 1, one message naming the file, nothing pruned,
//       and --restart-job recovers to the uninterrupted results;
//   (d) two runs on one directory: the second is refused naming the holder's pid; a dead holder's
//       lock is taken over;
//   (e) ENOSPC and a read-only file system on a small tmpfs (root only; skipped with a reason otherwise).
// The numbers (kills, interrupted runs resumed identically, corrupt cases named) are printed at the end.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@contrastive/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtBin, runAsync } from './run-cli';

const bin = builtBin();
const dir = mkdtempSync(join(tmpdir(), 'contrastive-faults-'));
const STEPS = 40;
const config = {
  name: 'faults',
  steps: STEPS,
  batchSize: 32,
  evalEvery: 10,
  checkpointEvery: 10,
  evalSamples: 256,
  data: { type: 'sparseCoding', ambientDim: 32, latentDim: 4, sparsity: 0.1, noiseToSignal: 4 },
  // The threshold schedule is network state a checkpoint must carry (the 1.0016 → 0.8611 bug).
  encoder: {
    type: 'symmetricRelu',
    width: 8,
    unitNormRows: true,
    threshold: { type: 'linear-warmup', final: 1.34, unit: 'noiseStd', warmupFraction: 0.5 },
  },
  method: { type: 'contrastive', loss: 'infonce', temperature: 0.1, normalize: false },
  optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
  arms: [
    { name: 'none', augment: { type: 'identity' } },
    { name: 'masking', augment: { type: 'complementaryMask', keepProb: 0.5 } },
  ],
  checks: [{ description: 'runs', arm: 'masking', metric: 'loss', op: '>', value: 0 }],
};
const configPath = join(dir, 'faults.json');
writeFileSync(configPath, JSON.stringify(config));
const JOBS = ['none-seed0', 'masking-seed0'];
const CHECKPOINTS = JOBS.length * (STEPS / config.checkpointEvery);

const args = (out: string, extra: string[] = []) => [bin, 'run', configPath, '--out', out, '--workers', '1', '--backend', 'wasm', ...extra];
const run = (out: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) =>
  runAsync(process.execPath, args(out, extra), { ...process.env, CI: '1', ...env });

function stripVolatile(text: string) {
  const r = JSON.parse(text);
  delete r.generatedAt;
  for (const arm of r.arms)
    for (const s of arm.seeds) {
      delete s.seconds;
      delete s.stepsPerSecond;
    }
  return r;
}
const results = (out: string) => stripVolatile(readFileSync(join(out, 'results.json'), 'utf8'));

/** Every file anywhere under `root` (temp files of atomic writes included). */
const filesUnder = (root: string): string[] =>
  existsSync(root) ? readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => !f.endsWith('/')) : [];
const tempFiles = (root: string) => filesUnder(root).filter((f) => /\.tmp-|\.tmp$|\.takeover$|\.stale-/.test(f));

/** metrics.jsonl rows must be unique per (arm, seed, step, kind). */
function duplicateRows(out: string): string[] {
  const keys = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => {
      const o = JSON.parse(l);
      return `${o.arm}/${o.seed}/${o.step}/${'lr' in o ? 'loss' : 'eval'}`;
    });
  return keys.filter((k, i) => keys.indexOf(k) !== i);
}

/** kills: SIGKILLs (and disk-full aborts) sent; scenarios: interrupted runs resumed; identical: of those, results.json equal to the reference. */
const tally = { kills: 0, scenarios: 0, identical: 0, corrupt: 0, corruptNamed: 0 };
let reference: unknown;
let referenceRows: string[] = [];
/** metrics.jsonl rows, sorted (jobs interleave differently when a run is resumed). */
const sortedRows = (out: string) => readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').sort();

describe('fault injection (built binary)', () => {
  beforeAll(async () => {
    const out = join(dir, 'reference');
    const r = await run(out);
    expect(r.status, r.stderr).toBe(0);
    reference = results(out);
    referenceRows = sortedRows(out);
  });

  afterAll(() => {
    console.log(
      `fault suite: ${tally.kills} kills in ${tally.scenarios} interrupted runs, ${tally.identical} of ${tally.scenarios} resumed to an identical results.json; ` +
        `${tally.corrupt} corrupt-file cases, ${tally.corruptNamed} refused with the file named`,
    );
  });

  /** Resumes a killed run and checks it ends exactly like the reference. */
  async function expectResumesIdentically(out: string, label: string) {
    tally.scenarios++;
    const r = await run(out);
    expect(r.status, `${label}: ${r.stderr}`).toBe(0);
    expect(results(out), label).toEqual(reference);
    tally.identical++;
    expect(duplicateRows(out), label).toEqual([]);
    // Every row, none missing or duplicated, number for number (rows up to a checkpoint are rebuilt from it).
    expect(sortedRows(out), label).toEqual(referenceRows);
    expect(tempFiles(out), label).toEqual([]);
  }

  // (b) at each write boundary. before-job:1 is the window of the 1.0016 → 0.8611 bug (final
  // checkpoint written, job file not yet).
  const boundaries = [
    ...[1, CHECKPOINTS / 2 + 1, CHECKPOINTS].map((k) => `after-checkpoint:${k}`),
    'before-job:1',
    'before-job:2',
    'after-job:1',
    'after-job:2',
    'after-results:1',
  ];
  it.each(boundaries)('kill -9 at %s, then resume: results.json identical', async (fault) => {
    const out = join(dir, `kill-${fault.replace(':', '-')}`);
    const killed = await run(out, [], { CONTRASTIVE_FAULT: fault });
    expect(killed.status, killed.stderr).toBe(null); // died by the signal
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    tally.kills++;
    await expectResumesIdentically(out, fault);
  });

  it('killed three times in a row (checkpoint, job file, results) still ends identically', async () => {
    const out = join(dir, 'kill-chain');
    for (const fault of ['after-checkpoint:3', 'before-job:1', 'after-results:1']) {
      const killed = await run(out, [], { CONTRASTIVE_FAULT: fault });
      expect(killed.status, `${fault}: ${killed.stderr}`).toBe(null);
      tally.kills++;
    }
    await expectResumesIdentically(out, 'chain');
  });

  it('kill -9 at seeded random times, then resume: results.json identical', async () => {
    const rng = createRng(15);
    for (let i = 0; i < 3; i++) {
      const out = join(dir, `random-${i}`);
      // Startup (node, tfjs, wasm) takes ~0.5 s and training ~1 s: kill in [0.3, 2.3) s.
      const delay = rng.uniform(300, 2300);
      const child: ChildProcess = spawn(process.execPath, args(out), { stdio: 'ignore', env: { ...process.env, CI: '1' } });
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const status = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      clearTimeout(timer);
      if (status === null) tally.kills++; // else it finished first: resuming must still give the same results
      await expectResumesIdentically(out, `random kill ${i} at ${delay.toFixed(0)} ms`);
    }
  });

  // (c) corrupted run files. Base: a run killed after the first job's file (job 2 has checkpoints).
  describe('corrupted run files', () => {
    const base = join(dir, 'corrupt-base');
    beforeAll(async () => {
      const r = await run(base, [], { CONTRASTIVE_FAULT: 'after-checkpoint:6' });
      expect(r.status).toBe(null);
      expect(existsSync(join(base, 'jobs', 'none-seed0.json'))).toBe(true);
      expect(existsSync(join(base, 'checkpoints', 'masking-seed0.json'))).toBe(true);
    });
    const cp = (root: string) => join(root, 'checkpoints', 'masking-seed0.json');
    const job = (root: string) => join(root, 'jobs', 'none-seed0.json');
    const edit = (path: string, f: (o: Record<string, unknown>) => unknown) =>
      writeFileSync(path, JSON.stringify(f(JSON.parse(readFileSync(path, 'utf8')))));
    /** `verify`: also rerun with --restart-job and compare with the reference (one case per file kind keeps the suite short). */
    type Case = { name: string; file: (root: string) => string; corrupt: (root: string) => void; restart?: string; verify?: boolean };
    const cases: Case[] = [
      {
        name: 'truncated checkpoint',
        file: cp,
        restart: 'masking-seed0',
        verify: true,
        corrupt: (r) => writeFileSync(cp(r), readFileSync(cp(r), 'utf8').slice(0, 200)),
      },
      { name: 'empty checkpoint', file: cp, restart: 'masking-seed0', corrupt: (r) => writeFileSync(cp(r), '') },
      {
        name: 'garbage checkpoint with terminal escapes',
        file: cp,
        restart: 'masking-seed0',
        corrupt: (r) => writeFileSync(cp(r), '\u001b[2J\u001b]0;pwned\u0007 {{{'),
      },
      {
        name: 'checkpoint step past the end',
        file: cp,
        restart: 'masking-seed0',
        corrupt: (r) => edit(cp(r), (o) => ({ ...o, step: 10 * STEPS })),
      },
      {
        name: 'checkpoint with null weights',
        file: cp,
        restart: 'masking-seed0',
        corrupt: (r) =>
          edit(cp(r), (o) => ({
            ...o,
            variables: (o.variables as Array<{ values: number[] }>).map((v) => ({ ...v, values: v.values.map(() => null) })),
          })),
      },
      {
        name: "another arm's checkpoint",
        file: cp,
        restart: 'masking-seed0',
        corrupt: (r) => edit(cp(r), (o) => ({ ...o, meta: { ...(o.meta as object), arm: 'none' } })),
      },
      {
        name: "another configuration's checkpoint",
        file: cp,
        restart: 'masking-seed0',
        corrupt: (r) => edit(cp(r), (o) => ({ ...o, meta: { ...(o.meta as object), config: '0123456789abcdef' } })),
      },
      {
        name: 'checkpoint with wrong variable shapes (caught by the job)',
        file: cp,
        restart: 'masking-seed0',
        verify: true,
        corrupt: (r) =>
          edit(cp(r), (o) => ({
            ...o,
            variables: (o.variables as Array<{ shape: number[] }>).map((v) => ({ ...v, shape: [v.shape[1], v.shape[0]] })),
          })),
      },
      { name: 'empty job file', file: job, restart: 'none-seed0', verify: true, corrupt: (r) => writeFileSync(job(r), '') },
      { name: 'garbage job file', file: job, restart: 'none-seed0', corrupt: (r) => writeFileSync(job(r), 'not json at all') },
      { name: "another arm's job file", file: job, restart: 'none-seed0', corrupt: (r) => edit(job(r), (o) => ({ ...o, arm: 'masking' })) },
      {
        name: 'job file with null loss history',
        file: job,
        restart: 'none-seed0',
        corrupt: (r) => edit(job(r), (o) => ({ ...o, history: { ...(o.history as object), loss: [null] } })),
      },
      {
        name: 'truncated config.json',
        file: (r) => join(r, 'config.json'),
        corrupt: (r) => writeFileSync(join(r, 'config.json'), '{"experiment": {"na'),
      },
    ];
    it.each(cases)('$name: exit 1 naming the file, nothing pruned (and --restart-job recovers)', async (c) => {
      const out = join(dir, `corrupt-${c.name.replace(/\W+/g, '-')}`);
      cpSync(base, out, { recursive: true });
      c.corrupt(out);
      const before = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
      const corrupted = readFileSync(c.file(out));
      tally.corrupt++;
      const r = await run(out);
      expect(r.status, r.stderr).toBe(1);
      const message = r.stderr
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('contrastive:'));
      expect(message, r.stderr).toHaveLength(1);
      expect(message[0]).toContain(c.file(out));
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(r.stderr).not.toContain('\u001b'); // no raw escape sequence reaches the terminal
      if (c.restart) expect(r.stderr).toContain(`--restart-job ${c.restart}`);
      tally.corruptNamed++;
      // Nothing trusted, nothing pruned, the bad file left for inspection. A kill can leave the
      // checkpoint ahead of metrics.jsonl (the worker checkpoints, then the parent appends the
      // rows): a checkpoint that passes the runner's file checks (here: wrong shapes, caught only
      // by the job) restores those rows from its own history (runner.ts cleanMetrics), so rows
      // may be appended, all of the unfinished job and none past its checkpoint; never removed.
      const after = readFileSync(join(out, 'metrics.jsonl'), 'utf8');
      expect(after.startsWith(before), 'metrics.jsonl lost or changed rows').toBe(true);
      const added = after.slice(before.length).split('\n').filter(Boolean);
      if (added.length > 0) {
        const stepOfCheckpoint = (JSON.parse(readFileSync(cp(base), 'utf8')) as { step: number }).step;
        for (const row of added.map((l) => JSON.parse(l) as { arm: string; step: number })) {
          expect(row.arm).toBe('masking');
          expect(row.step).toBeLessThanOrEqual(stepOfCheckpoint);
        }
      }
      expect(readFileSync(c.file(out))).toEqual(corrupted);
      if (c.restart && c.verify) {
        const again = await run(out, ['--restart-job', c.restart]);
        expect(again.status, again.stderr).toBe(0);
        expect(results(out)).toEqual(reference);
        expect(duplicateRows(out)).toEqual([]);
      }
    });

    it('corrupt results.json: `report` exits 1 naming it; a torn metrics.jsonl line, a garbage lock file and a stale temp file are repaired', async () => {
      const out = join(dir, 'corrupt-results');
      cpSync(join(dir, 'reference'), out, { recursive: true });
      writeFileSync(join(out, 'results.json'), '{"experiment": "faults", "arms": [');
      tally.corrupt++;
      const r = spawnSync(process.execPath, [bin, 'report', out], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(`contrastive: ${join(out, 'results.json')} is not valid JSON (truncated or garbage, 34 bytes)`);
      tally.corruptNamed++;
      const wrong = join(dir, 'corrupt-results-schema');
      cpSync(join(dir, 'reference'), wrong, { recursive: true });
      edit(join(wrong, 'results.json'), (o) => ({ ...o, passed: 'yes' }));
      tally.corrupt++;
      const r2 = spawnSync(process.execPath, [bin, 'report', wrong], { encoding: 'utf8' });
      expect(r2.status).toBe(1);
      expect(r2.stderr).toContain(`${join(wrong, 'results.json')} is not a valid results file: at 'passed'`);
      tally.corruptNamed++;

      const torn = join(dir, 'corrupt-torn');
      cpSync(base, torn, { recursive: true });
      writeFileSync(join(torn, 'metrics.jsonl'), `${readFileSync(join(torn, 'metrics.jsonl'), 'utf8')}{"arm":"masking","se`);
      writeFileSync(join(torn, '.lock'), '\u0000garbage');
      // The temp file of a write that a kill -9 cut short.
      writeFileSync(join(torn, 'checkpoints', 'masking-seed0.json.tmp-999999-12345'), '{"version":2,"st');
      const r3 = await run(torn);
      expect(r3.status, r3.stderr).toBe(0);
      expect(tempFiles(torn)).toEqual([]);
      expect(results(torn)).toEqual(reference);
      expect(duplicateRows(torn)).toEqual([]);
    });

    it('a diverging job names its arm, seed and step', async () => {
      const path = join(dir, 'diverge.json');
      writeFileSync(
        path,
        JSON.stringify({
          ...config,
          name: 'diverge',
          encoder: { ...config.encoder, unitNormRows: false },
          optimizer: { type: 'sgd', lr: 1e30 },
        }),
      );
      const r = await runAsync(process.execPath, [bin, 'run', path, '--out', join(dir, 'diverge'), '--workers', '1', '--backend', 'wasm'], {
        ...process.env,
        CI: '1',
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/contrastive: none \(seed 0\): train: 'loss' contains (NaN|Infinity) at step \d+/);
    });

    it('--restart-job with an unknown id is refused up front, suggesting the nearest job or listing them', async () => {
      const r = await run(join(dir, 'reference'), ['--restart-job', 'nope-seed0']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("--restart-job: no job 'nope-seed0' in faults; did you mean 'none-seed0'?");
      const far = await run(join(dir, 'reference'), ['--restart-job', 'zzzzzzzzzz']);
      expect(far.status).toBe(1);
      expect(far.stderr).toContain("--restart-job: no job 'zzzzzzzzzz' in faults; its jobs: none-seed0, masking-seed0");
    });
  });

  // (d) concurrent runs on one directory.
  describe('one run per directory', () => {
    it('a second run on a live run exits 1 naming the holder pid; the first ends identically', async () => {
      const out = join(dir, 'concurrent');
      const first = spawn(process.execPath, args(out), { stdio: 'ignore', env: { ...process.env, CI: '1' } });
      const firstDone = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
      while (!existsSync(join(out, '.lock'))) await new Promise((r) => setTimeout(r, 10));
      // Freeze the holder while the second run starts: a stopped process is alive (kill(pid, 0)
      // succeeds), and the first run cannot finish and release the lock before the second looks.
      first.kill('SIGSTOP');
      const second = await run(out).finally(() => first.kill('SIGCONT'));
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`${out} is in use by another contrastive process (pid ${first.pid}`);
      expect(await firstDone).toBe(0);
      expect(results(out)).toEqual(reference);
      expect(duplicateRows(out)).toEqual([]);
      expect(existsSync(join(out, '.lock'))).toBe(false);
    });

    it('two runs started together on a fresh directory: one trains, the other is refused or resumes the finished run', async () => {
      const out = join(dir, 'race');
      const [a, b] = await Promise.all([run(out), run(out)]);
      expect([a.status, b.status].sort()).toContain(0);
      for (const r of [a, b]) if (r.status !== 0) expect(r.stderr).toMatch(/is in use by another contrastive process \(pid \d+/);
      expect(results(out)).toEqual(reference);
      expect(duplicateRows(out)).toEqual([]);
    });

    it('a lock left by a killed process is taken over; one held by a live process is not', async () => {
      const dead = spawn('sleep', ['30']);
      const deadPid = dead.pid!;
      dead.kill('SIGKILL');
      await new Promise((r) => dead.on('exit', r));
      const out = join(dir, 'stale');
      mkdirSync(out, { recursive: true });
      const host = (await import('node:os')).hostname();
      writeFileSync(join(out, '.lock'), JSON.stringify({ pid: deadPid, hostname: host, startedAt: '2026-01-01T00:00:00.000Z' }));
      const r = await run(out);
      expect(r.status, r.stderr).toBe(0);
      expect(results(out)).toEqual(reference);

      const live = spawn('sleep', ['30']);
      const busy = join(dir, 'busy');
      mkdirSync(busy, { recursive: true });
      await new Promise((r) => live.on('spawn', r));
      // Taken after that process started (a lock older than its holder would be a reused pid: stale).
      writeFileSync(join(busy, '.lock'), JSON.stringify({ pid: live.pid, hostname: host, startedAt: new Date().toISOString() }));
      const r2 = await run(busy);
      live.kill('SIGKILL');
      expect(r2.status).toBe(1);
      expect(r2.stderr).toContain(`pid ${live.pid}`);
      expect(existsSync(join(busy, 'config.json'))).toBe(false);
    });
  });

  // Ctrl-C / SIGTERM with checkpointEvery 0 (no checkpoint write ever awaits I/O during training).
  describe('interrupts', () => {
    const slowPath = join(dir, 'slow.json');
    const slow = { ...config, name: 'slow', steps: 2000, evalEvery: 0, checkpointEvery: 0, arms: [config.arms[1]!], checks: [] };
    const slowArgs = (out: string) => [bin, 'run', slowPath, '--out', out, '--workers', '1', '--backend', 'wasm'];
    /** Starts a run and resolves once its job has logged a loss row (training is under way). */
    async function started(out: string) {
      const child = spawn(process.execPath, slowArgs(out), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
      const metrics = join(out, 'metrics.jsonl');
      while (!(existsSync(metrics) && readFileSync(metrics, 'utf8').includes('"lr"'))) await new Promise((r) => setTimeout(r, 5));
      return { child, exited, stderr: () => stderr };
    }
    beforeAll(() => writeFileSync(slowPath, JSON.stringify(slow)));

    it.each(['SIGINT', 'SIGTERM'] as const)(
      '%s stops within a second, saving a checkpoint at the current step; the resume ends like an uninterrupted run',
      async (sig) => {
        const out = join(dir, `interrupt-${sig}`);
        const { child, exited, stderr } = await started(out);
        const sent = performance.now();
        child.kill(sig);
        const code = await exited;
        const took = performance.now() - sent;
        expect(code, stderr()).toBe(130);
        expect(took, `exit ${took.toFixed(0)} ms after ${sig}`).toBeLessThan(1000);
        expect(stderr()).toContain('run the same command again to resume');
        const cp = JSON.parse(readFileSync(join(out, 'checkpoints', 'masking-seed0.json'), 'utf8'));
        expect(cp.step).toBeGreaterThan(0);
        expect(cp.step).toBeLessThan(slow.steps);
        tally.kills++;
        tally.scenarios++;
        const resumed = await runAsync(process.execPath, slowArgs(out), { ...process.env, CI: '1' });
        expect(resumed.status, resumed.stderr).toBe(0);
        const uninterrupted = join(dir, 'slow-reference');
        if (!existsSync(join(uninterrupted, 'results.json')))
          expect((await runAsync(process.execPath, slowArgs(uninterrupted), { ...process.env, CI: '1' })).status).toBe(0);
        expect(results(out)).toEqual(results(uninterrupted));
        tally.identical++;
        expect(sortedRows(out)).toEqual(sortedRows(uninterrupted));
      },
    );

    it('a second Ctrl-C quits at once', async () => {
      const out = join(dir, 'interrupt-twice');
      const { child, exited } = await started(out);
      const sent = performance.now();
      child.kill('SIGINT');
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(performance.now() - sent).toBeLessThan(1000);
    });
  });

  // (e) a full disk and a read-only file system, on a small tmpfs.
  describe('ENOSPC and read-only targets (tmpfs)', () => {
    const mnt = join(dir, 'tmpfs');
    let skipReason: string | undefined;
    beforeAll(() => {
      mkdirSync(mnt, { recursive: true });
      if (process.platform !== 'linux') skipReason = 'not Linux';
      else if (process.getuid?.() !== 0) skipReason = 'mounting a tmpfs needs root';
      else {
        const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24k', 'tmpfs', mnt], { encoding: 'utf8' });
        if (m.status !== 0) skipReason = `mount -t tmpfs failed: ${(m.stderr || m.error?.message || '').trim()}`;
      }
      if (skipReason) console.log(`skipping the tmpfs cases: ${skipReason}`);
    });
    afterAll(() => {
      if (!skipReason) spawnSync('umount', [mnt]);
    });

    it('a full disk: exit 1 naming the path and ENOSPC, no temp file left; with space again it resumes identically', async (ctx) => {
      if (skipReason) ctx.skip();
      const out = join(mnt, 'run');
      const r = await run(out);
      expect(r.status, r.stderr).toBe(1);
      // (a write in a job's worker is prefixed with the job: `none (seed 0): cannot write …`)
      expect(r.stderr).toMatch(
        new RegExp(`contrastive: (\\S+ \\(seed \\d+\\): )?cannot (write|append to|create) ${mnt}/run/\\S+ \\(ENOSPC\\)`),
      );
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(tempFiles(mnt)).toEqual([]);
      expect(spawnSync('mount', ['-o', 'remount,size=16m', mnt]).status).toBe(0);
      tally.kills++; // a run cut short by the disk, resumed
      tally.scenarios++;
      const again = await run(out);
      expect(again.status, again.stderr).toBe(0);
      expect(results(out)).toEqual(reference);
      tally.identical++;
      expect(duplicateRows(out)).toEqual([]);
    });

    it('a read-only file system: exit 1 naming the path and EROFS (not ENOENT)', async (ctx) => {
      if (skipReason) ctx.skip();
      expect(spawnSync('mount', ['-o', 'remount,ro', mnt]).status).toBe(0);
      for (const out of [join(mnt, 'run'), join(mnt, 'new', 'run')]) {
        const r = await run(out);
        expect(r.status, r.stderr).toBe(1);
        expect(r.stderr).toMatch(/\(EROFS\)/);
        expect(r.stderr).toContain(mnt);
        expect(r.stderr).not.toContain('ENOENT');
      }
      spawnSync('mount', ['-o', 'remount,rw', mnt]);
    });
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
