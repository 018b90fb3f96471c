// End-to-end: the BullMQ + Redis engine of `contrastive sweep` through the built binary, against a
// real `redis-server` (Debian's package; `.ci/run` installs it) started on a free loopback port in a
// temp directory. Two workers plus a coordinator give the local engine's numbers; a worker killed
// with SIGKILL mid-job loses no job and duplicates none (the job resumes from its Redis checkpoint
// on the other worker); SIGTERM checkpoints and requeues; a killed coordinator started again
// finishes the sweep; a rerun trains nothing; Redis failures are one line and exit 1.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtBin, runAsync, writeTinySweep } from './run-cli';

const bin = builtBin();
const REDIS = '/usr/bin/redis-server';
const dir = mkdtempSync(join(tmpdir(), 'contrastive-queue-e2e-'));
const sweepFile = writeTinySweep(dir, { name: 'queue-sweep', steps: 600, evalEvery: 300 });
const env = { ...process.env, CI: '1' };
// Seconds, not BullMQ's 30 s default: a dead worker's job is back in the queue ~3-4 s after the kill.
const FAST_STALL = ['--lock-duration', '3000', '--stalled-interval', '500'];
const KEY = (bullId: string) => `contrastive:contrastive-sweep:checkpoint:${bullId}`;

/** A free loopback port (listen on 0, read it, close). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const servers: ChildProcess[] = [];
const children: ChildProcess[] = [];

/** Starts a real redis-server (no persistence) and waits until it answers. */
async function startRedis(extra: string[] = []): Promise<{ port: number; url: string; client: Redis }> {
  if (!existsSync(REDIS)) throw new Error(`${REDIS} is missing: install Debian's redis-server (.ci/run does)`);
  const port = await freePort();
  const data = mkdtempSync(join(dir, 'redis-'));
  const server = spawn(
    REDIS,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', data, ...extra],
    {
      stdio: 'ignore',
    },
  );
  servers.push(server);
  const password = extra.includes('--requirepass') ? extra[extra.indexOf('--requirepass') + 1] : undefined;
  const client = new Redis({ port, host: '127.0.0.1', ...(password ? { password } : {}), lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => undefined);
  for (let i = 0; ; i++) {
    try {
      await client.connect();
      await client.ping();
      break;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return { port, url: `redis://127.0.0.1:${port}`, client };
}

interface Proc {
  child: ChildProcess;
  log: () => string;
  exit: Promise<number | null>;
}

function startWorker(url: string, extraEnv: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, [bin, 'worker', '--queue', url, '--backend', 'wasm', ...FAST_STALL], {
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let text = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (text += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, log: () => text, exit };
}

const coordinatorArgs = (url: string, out: string) => [
  bin,
  'sweep',
  sweepFile,
  '--out',
  out,
  '--queue',
  url,
  '--backend',
  'wasm',
  '--json',
];
const coordinate = (url: string, out: string) => runAsync(process.execPath, coordinatorArgs(url, out), env);

const until = async (what: string, test: () => boolean | Promise<boolean>, ms = 120_000) => {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

type Results = {
  trained: number;
  reused: number;
  points: unknown[];
  jobs: Array<Record<string, unknown> & { id: string; resumedFrom: number }>;
};
/** Everything but the timings and the step a job resumed from (a resumed job has the same numbers). */
const numbers = (r: Results) => ({ points: r.points, jobs: r.jobs.map(({ seconds: _s, stepsPerSecond: _p, resumedFrom: _r, ...j }) => j) });
/** A job's result file without its timings. */
const jobFile = (out: string, id: string) => {
  const { seconds: _s, stepsPerSecond: _p, resumedFrom: _r, ...rest } = JSON.parse(readFileSync(join(out, 'jobs', `${id}.json`), 'utf8'));
  return rest;
};
const count = (text: string, re: RegExp) => (text.match(new RegExp(re, 'g')) ?? []).length;

let local: Results;
beforeAll(async () => {
  const r = await runAsync(
    process.execPath,
    [bin, 'sweep', sweepFile, '--out', join(dir, 'local'), '--workers', '2', '--backend', 'wasm', '--json'],
    env,
  );
  expect(r.status, r.stderr).toBe(0);
  local = JSON.parse(r.stdout);
  expect(local.trained).toBe(4);
});

afterAll(() => {
  for (const c of [...children, ...servers]) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('contrastive sweep --queue + contrastive worker (real redis-server)', () => {
  it('two workers and a coordinator give the local engine’s numbers; a rerun trains nothing; SIGTERM stops a worker cleanly', async () => {
    const { url, client } = await startRedis();
    const a = startWorker(url);
    const b = startWorker(url);
    const out = join(dir, 'two-workers');
    const r = await coordinate(url, out);
    expect(r.status, r.stderr).toBe(0);
    const res: Results = JSON.parse(r.stdout);
    expect([res.trained, res.reused]).toEqual([4, 0]);
    expect(numbers(res)).toEqual(numbers(local));
    // Curves and pictures too: every job file equals the local engine's.
    for (const j of local.jobs) expect(jobFile(out, j.id)).toEqual(jobFile(join(dir, 'local'), j.id));
    // Both workers trained (the queue spread the jobs), each job once.
    expect(count(a.log(), /: done /) + count(b.log(), /: done /)).toBe(4);
    expect(count(a.log(), /: done /)).toBeGreaterThan(0);
    expect(count(b.log(), /: done /)).toBeGreaterThan(0);
    // The coordinator removed what it collected: no job, no checkpoint left in Redis.
    expect(await client.keys('contrastive:contrastive-sweep:checkpoint:*')).toEqual([]);
    expect(await client.keys('bull:contrastive-sweep:queue-sweep.*')).toEqual([]);

    const again = await coordinate(url, out);
    expect(again.status, again.stderr).toBe(0);
    const res2: Results = JSON.parse(again.stdout);
    expect([res2.trained, res2.reused]).toEqual([0, 4]);
    expect(numbers(res2)).toEqual(numbers(local));
    expect(count(a.log(), /: start /) + count(b.log(), /: start /)).toBe(4);

    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
    expect(await b.exit).toBe(0);
    client.disconnect();
  });

  it('kill -9 of a worker mid-job loses no job and duplicates none: the job resumes from its Redis checkpoint on the other worker', async () => {
    const { url, client } = await startRedis();
    const victim = startWorker(url);
    const coordinator = coordinate(url, join(dir, 'kill-worker'));
    // The victim has a job and has checkpointed it to Redis at least once: kill it there.
    let job = '';
    await until('the first job to start', () => {
      job = /: start (\S+)/.exec(victim.log())?.[1] ?? '';
      return job !== '';
    });
    await until('a checkpoint in Redis', async () => (await client.exists(KEY(job))) === 1);
    victim.child.kill('SIGKILL');
    await victim.exit;
    expect(victim.log()).not.toMatch(new RegExp(`done ${job.replace('.', '\\.')}`));
    const survivor = startWorker(url);
    const r = await coordinator;
    expect(r.status, r.stderr).toBe(0);
    const res: Results = JSON.parse(r.stdout);
    expect(res.jobs.map((j) => j.id).sort()).toEqual(local.jobs.map((j) => j.id).sort());
    expect(numbers(res)).toEqual(numbers(local));
    // Retried by the survivor after BullMQ's stalled check, from the checkpoint, not from step 0.
    const id = job.slice('queue-sweep.'.length);
    expect(res.jobs.find((j) => j.id === id)!.resumedFrom).toBeGreaterThan(0);
    expect(survivor.log()).toMatch(new RegExp(`resumed ${job.replace('.', '\\.')} from its checkpoint at step [1-9]`));
    // Every job finished exactly once (the victim finished none).
    expect(count(survivor.log(), /: done /)).toBe(4);
    survivor.child.kill('SIGTERM');
    expect(await survivor.exit).toBe(0);
    client.disconnect();
  });

  it('a coordinator killed and started again completes the sweep; SIGTERM on a worker checkpoints its job and requeues it', async () => {
    const { url, client } = await startRedis();
    const first = startWorker(url);
    const out = join(dir, 'kill-coordinator');
    const child = spawn(process.execPath, coordinatorArgs(url, out), { env, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let text = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
    // SIGTERM the worker mid-job after a checkpoint (its first job, which includes its start-up: a
    // later job can be over in half a second on an idle machine): exit 0, the job back in the queue.
    let job = '';
    await until('the first job to start', () => {
      job = /: start (\S+)/.exec(first.log())?.[1] ?? '';
      return job !== '';
    });
    await until('a checkpoint in Redis', async () => (await client.exists(KEY(job))) === 1);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    const stopped = /stopped (\S+) at step \d+ \(checkpoint saved in Redis\); it is back in the queue/.exec(first.log());
    expect(stopped, first.log()).not.toBeNull();
    const stoppedJob = stopped![1]!;

    // Another worker takes the queue over; kill the coordinator once a result is in, then restart it.
    const second = startWorker(url);
    await until('the first result', () => /\[1\]/.test(text));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    const r = await coordinate(url, out);
    expect(r.status, r.stderr).toBe(0);
    const res: Results = JSON.parse(r.stdout);
    expect(res.trained + res.reused).toBe(4);
    expect(res.reused).toBeGreaterThanOrEqual(1);
    expect(numbers(res)).toEqual(numbers(local));
    expect(second.log()).toMatch(new RegExp(`resumed ${stoppedJob.replace('.', '\\.')} from its checkpoint`));
    // Nothing trained twice: the first worker finished some jobs, the second the rest.
    expect(count(first.log(), /: done /) + count(second.log(), /: done /)).toBe(4);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    client.disconnect();
  });

  it('refuses the results of a worker with other package versions, naming them', async () => {
    const { url, client } = await startRedis();
    const odd = startWorker(url, { CONTRASTIVE_TEST_VERSIONS: JSON.stringify({ '@contrastive/train': '9.9.9' }) });
    const r = await coordinate(url, join(dir, 'versions'));
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-1)).toMatch(
      /^contrastive: refusing job \S+: a worker versions differ: @contrastive\/train \S+ on the coordinator, 9\.9\.9 on worker /,
    );
    expect(odd.log()).not.toMatch(/: done /);
    odd.child.kill('SIGTERM');
    expect(await odd.exit).toBe(0);
    client.disconnect();
  });

  it('Redis failures are one line naming the URL and exit 1, never a hang', async () => {
    const refusedPort = await freePort();
    const secured = await startRedis(['--requirepass', 's3cret']);
    const full = await startRedis();
    await full.client.config('SET', 'maxmemory-policy', 'noeviction');
    await full.client.config('SET', 'maxmemory', '1');
    const cases: Array<[string, RegExp]> = [
      [`redis://127.0.0.1:${refusedPort}`, /connection refused: is redis-server running on 127\.0\.0\.1:\d+\?/],
      [`redis://:wrong@127.0.0.1:${secured.port}`, /^contrastive: redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: wrong password/],
      [`redis://127.0.0.1:${secured.port}`, /this Redis requires a password/],
      [`redis://127.0.0.1:${full.port}`, /Redis is full \(maxmemory reached.*OOM command not allowed/],
      [`redis://127.0.0.1:${secured.port}/99`.replace('127', ':s3cret@127'), /no database 99/],
      ['redis://host.invalid:6379', /unknown host 'host\.invalid'/],
      ['http://127.0.0.1:6379', /--queue: expected redis:\/\/\[:password@\]host:port\[\/db\]/],
    ];
    // Each process is timed: a hang would be a failure here, not a test timeout.
    const timed = async (args: string[]) => {
      const t0 = Date.now();
      const r = await runAsync(process.execPath, [bin, ...args], env);
      return { ...r, seconds: (Date.now() - t0) / 1000 };
    };
    // The coordinator for every case, a worker for the ones it checks differently (auth, full).
    const workerCases = new Set([0, 1, 3]);
    const results = await Promise.all(
      cases.map(([url], i) =>
        Promise.all([
          timed(['sweep', sweepFile, '--out', join(dir, 'never'), '--queue', url]),
          workerCases.has(i) ? timed(['worker', '--queue', url]) : undefined,
        ]),
      ),
    );
    cases.forEach(([url, re], i) => {
      for (const r of results[i]!) {
        if (!r) continue;
        expect(r.status, `${url}: ${r.stderr}`).toBe(1);
        const lines = r.stderr.trim().split('\n');
        expect(lines.at(-1), url).toMatch(re);
        expect(lines.at(-1)).toMatch(/^contrastive: /);
        expect(r.seconds, url).toBeLessThan(90);
      }
    });
    // Nothing was written for a sweep that could not reach its queue.
    expect(existsSync(join(dir, 'never'))).toBe(false);
    // The full Redis still holds nothing of ours.
    await full.client.config('SET', 'maxmemory', '0');
    expect(await full.client.keys('bull:*')).toEqual([]);
    secured.client.disconnect();
    full.client.disconnect();
  });
});
