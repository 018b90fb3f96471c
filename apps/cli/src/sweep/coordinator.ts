// The queue engine's coordinator (`contrastive sweep … --queue redis://…`): it puts the sweep's
// missing jobs on the BullMQ queue (job id = sweep name + the job's stable id, so enqueueing twice
// is a no-op), polls Redis for finished jobs, writes each result to the run directory exactly as
// the local engine does, and writes results.json and the report at the end. It keeps no state of
// its own: killed and started again, it finds the finished jobs in the run directory, the jobs
// finished meanwhile in Redis, and the rest still queued or training.
import { Queue, type Job } from 'bullmq';
import type { JobResult } from '../job';
import { jobConfigHash } from '../runner';
import { describePoint, type ExpandedSweep, type SweepJob } from './expand';
import {
  bullJobId,
  checkpointKey,
  type ConnectOptions,
  connectRedis,
  packageVersions,
  parseQueueUrl,
  QUEUE_NAME,
  QueueError,
  type QueueJob,
  queueResultSchema,
  redisOptions,
  redisProblem,
  versionMismatch,
} from './queue';
import { openSweepDir, type SweepResults } from './run';

export interface QueueSweepOptions extends ConnectOptions {
  /** `redis://[:password@]host:port[/db]`. */
  queue: string;
  outDir: string;
  /** The backend the workers use (unless started with their own `--backend`). */
  backend?: string;
  signal?: AbortSignal;
  /** Stored in sweep.json. */
  meta?: Record<string, unknown>;
  /** Milliseconds between polls of Redis for finished jobs and progress. Default 500. */
  pollInterval?: number;
  /** Times BullMQ retries a job that failed (an error, not a dead worker: those resume). Default 2. */
  attempts?: number;
  /** A job's result was written to the run directory. */
  onResult?: (job: SweepJob, result: JobResult, worker: string) => void;
  /** Every poll: jobs done, the active ones with their progress, jobs waiting. */
  onProgress?: (p: QueueProgress) => void;
}

export interface QueueProgress {
  done: number;
  total: number;
  active: Array<{ id: string; step: number; steps: number; worker: string }>;
  waiting: number;
}

/** What a worker reports through `job.updateProgress`. */
export interface WorkerProgress {
  step: number;
  steps: number;
  worker: string;
}

/** Whether BullMQ's failure reason is a worker refusing a job for its versions. */
const VERSION_REFUSAL = /^versions differ/;

/** Runs `sweep` on the queue at `options.queue`; same files and summary as `runSweep`. */
export async function runSweepOnQueue(sweep: ExpandedSweep, options: QueueSweepOptions): Promise<SweepResults> {
  const url = parseQueueUrl(options.queue);
  const client = await connectRedis(url, options);
  const fail = (e: unknown): never => {
    if (e instanceof QueueError || (e as Error)?.name === 'AbortError') throw e;
    throw new QueueError(redisProblem(url, e), { cause: e });
  };
  const dir = await openSweepDir(sweep, options.outDir, options.meta);
  // Created only now: a BullMQ object with no error listener would throw connection errors at the process.
  const queue = new Queue<QueueJob, unknown, string>(QUEUE_NAME, {
    connection: { ...redisOptions(url, options), maxRetriesPerRequest: 1 },
  });
  // Failed commands reject (and are reported by `fail`); the events would only repeat them.
  queue.on('error', () => undefined);
  try {
    const pending = new Map(dir.pending.map((j) => [bullJobId(sweep.config.name, j.id), j]));
    const versions = packageVersions();
    const attempts = options.attempts ?? 2;

    /** A finished BullMQ job: check who made it, write its result, then forget it in Redis. */
    const collect = async (bull: Job<QueueJob>, job: SweepJob) => {
      const parsed = queueResultSchema.safeParse(bull.returnvalue);
      if (!parsed.success)
        throw new QueueError(`${url.display}: the result of job ${job.id} is not a job result (${parsed.error.issues[0]?.message ?? ''})`);
      const { result, worker } = parsed.data;
      const diff = versionMismatch(versions, parsed.data.versions, `worker ${worker}`);
      if (diff) {
        // Refused, and removed so that the next run trains it again on a matching worker.
        await bull.remove();
        await client.del(checkpointKey(bull.id!));
        throw new QueueError(
          `refusing the result of job ${job.id} from worker ${worker}: package versions differ (${diff}); run the same versions everywhere`,
        );
      }
      if (result.arm !== job.point || result.seed !== job.seed)
        throw new QueueError(
          `${url.display}: job ${bull.id} holds the result of point ${result.arm} seed ${result.seed}, not of ${job.point} seed ${job.seed}`,
        );
      await dir.save(job, result as JobResult);
      pending.delete(bull.id!);
      options.onResult?.(job, result as JobResult, worker);
      await bull.remove();
      await client.del(checkpointKey(bull.id!));
    };
    const failed = (bull: Job<QueueJob>, job: SweepJob): never => {
      const reason = bull.failedReason ?? 'unknown reason';
      if (VERSION_REFUSAL.test(reason))
        throw new QueueError(`refusing job ${job.id}: a worker ${reason}; run the same versions everywhere, then run this sweep again`);
      throw new QueueError(
        `job ${job.id} (${describePoint(sweep.points.find((p) => p.id === job.point)?.values ?? {})}, seed ${job.seed}) failed after ${bull.attemptsMade} attempt(s): ${reason}`,
      );
    };

    // Enqueue what is missing; collect what finished while no coordinator was watching; retry what
    // failed (a rerun is how a failure is retried).
    const toAdd: SweepJob[] = [];
    for (const [id, job] of [...pending]) {
      const bull = await queue.getJob(id).catch(fail);
      if (!bull) {
        toAdd.push(job);
        continue;
      }
      const state = await bull.getState().catch(fail);
      if (state === 'completed') await collect(bull, job);
      else if (state === 'failed') await bull.retry('failed').catch(fail);
    }
    if (toAdd.length > 0)
      await queue
        .addBulk(
          toAdd.map((job) => ({
            name: sweep.config.name,
            data: {
              sweep: sweep.config.name,
              id: job.id,
              spec: job.spec,
              ...(options.backend ? { backend: options.backend } : {}),
              versions,
              config: jobConfigHash(job.spec),
            },
            opts: {
              jobId: bullJobId(sweep.config.name, job.id),
              attempts,
              backoff: { type: 'fixed', delay: 1000 },
              removeOnComplete: false,
              removeOnFail: false,
            },
          })),
        )
        .catch(fail);

    // Poll: finished jobs (ids only, then each of ours), and the active ones for progress.
    const interval = options.pollInterval ?? 500;
    while (pending.size > 0) {
      if (options.signal?.aborted) {
        const err = new Error(
          `coordinator stopped; the workers keep training the ${pending.size} queued job(s) — run the same command again to collect them`,
        );
        err.name = 'AbortError';
        throw err;
      }
      const finished = await queue.getRanges(['completed', 'failed']).catch(fail);
      for (const id of finished) {
        const job = pending.get(id);
        if (!job) continue;
        const bull = await queue.getJob(id).catch(fail);
        if (!bull) continue;
        const state = await bull.getState().catch(fail);
        if (state === 'completed') await collect(bull, job);
        else if (state === 'failed') failed(bull, job);
      }
      if (options.onProgress) {
        const active = (await queue.getActive().catch(fail)).filter((b) => pending.has(b.id!));
        const counts = await queue.getJobCounts('waiting', 'delayed', 'prioritized').catch(fail);
        options.onProgress({
          done: sweep.jobs.length - pending.size,
          total: sweep.jobs.length,
          active: active.map((b) => {
            const p = b.progress as Partial<WorkerProgress>;
            return { id: pending.get(b.id!)!.id, step: p?.step ?? 0, steps: p?.steps ?? 0, worker: p?.worker ?? '?' };
          }),
          waiting: (counts['waiting'] ?? 0) + (counts['delayed'] ?? 0) + (counts['prioritized'] ?? 0),
        });
      }
      if (pending.size > 0) await sleep(interval, options.signal);
    }
    return await dir.finish();
  } finally {
    dir.release();
    await queue.close().catch(() => undefined);
    client.disconnect();
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
