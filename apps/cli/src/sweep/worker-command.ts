// `contrastive worker --queue redis://…`: pulls sweep jobs from the BullMQ queue one at a time,
// trains each with the local engine's job code (`runJob`), checkpoints to Redis every
// `checkpointEvery` steps, and returns the result (metrics, curves, pictures, its package versions)
// through Redis. A job a dead worker left half done goes back to the queue when its lock expires
// (BullMQ's stalled-job check) and resumes from its last checkpoint on another worker. SIGTERM or
// Ctrl-C: the current job stops at a checkpoint, goes back to the queue, and the worker exits 0.
import { parseArgs } from 'node:util';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { selectBackend } from '../backend';
import { closest, ConfigError, escapeText } from '../errors';
import { runJob } from '../job';
import { BACKEND_NAMES, wholeNumber } from '../prepare';
import {
  checkpointKey,
  connectRedis,
  packageVersions,
  parseQueueUrl,
  QUEUE_NAME,
  QueueError,
  type QueueJob,
  queueJobSchema,
  redisCheckpointStore,
  redisOptions,
  redisProblem,
  versionMismatch,
  workerName,
} from './queue';
import type { WorkerProgress } from './coordinator';

const OPTIONS = {
  queue: { type: 'string' },
  backend: { type: 'string' },
  'no-native': { type: 'boolean', default: false },
  'checkpoint-every': { type: 'string' },
  'lock-duration': { type: 'string' },
  'stalled-interval': { type: 'string' },
  'max-stalled': { type: 'string' },
  'connect-timeout': { type: 'string' },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const WORKER_HELP = `contrastive worker --queue redis://[:password@]host:port[/db] [options]

Trains the jobs of sweeps started with 'contrastive sweep <sweep> --queue <same URL>', one at a
time, until stopped (SIGTERM or Ctrl-C: the current job is checkpointed and goes back to the queue).
Start one per core on as many machines as you like; every one needs the same package versions.

Options:
  --backend B             auto | tensorflow | wasm | cpu (default: the coordinator's --backend, else auto)
  --no-native             do not use the compiled kernels of @contrastive/native
  --checkpoint-every N    checkpoint to Redis every N steps (default: the job's checkpointEvery)
  --lock-duration MS      a job's lock; a dead worker's job is retried this long after it died (default 30000)
  --stalled-interval MS   how often this worker looks for jobs of dead workers (default 5000)
  --max-stalled N         times a job may be taken over from a dead worker before it fails (default 10)
  --connect-timeout MS    give up connecting to Redis after this long (default 5000)
  --quiet                 no line per job
`;

/** The worker's settings, from its command line (every flag checked before connecting). */
export interface WorkerOptions {
  queue: string;
  backend?: string;
  checkpointEvery?: number;
  lockDuration: number;
  stalledInterval: number;
  maxStalled: number;
  connectTimeout: number;
  quiet: boolean;
}

export function parseWorkerArgs(argv: string[]): WorkerOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS, strict: true });
  } catch (e) {
    const option = /'(-[^']*)'/.exec((e as Error).message)?.[1];
    const guess = option ? closest(option.replace(/^-+/, ''), Object.keys(OPTIONS)) : undefined;
    throw new ConfigError(
      `worker: ${option ? `unknown option '${escapeText(option, 60)}'${guess ? `; did you mean '--${guess}'?` : ''}` : escapeText((e as Error).message.split('\n')[0]!, 200)}`,
    );
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length > 0)
    throw new ConfigError(`worker: unexpected argument '${escapeText(positionals[0]!, 60)}' (it takes only options)`);
  if (values.queue === undefined) throw new ConfigError('worker needs --queue redis://host:port (the URL the sweep was started with)');
  parseQueueUrl(values.queue);
  if (values['no-native']) process.env['CONTRASTIVE_NATIVE'] = '0';
  const backend = values.backend;
  if (backend !== undefined && !(BACKEND_NAMES as readonly string[]).includes(backend))
    throw new ConfigError(`--backend: expected one of ${BACKEND_NAMES.join(', ')}, got '${escapeText(backend, 40)}'`, {
      path: '--backend',
    });
  const num = (flag: keyof typeof OPTIONS, fallback: number, min: number) => {
    const v = values[flag];
    return typeof v === 'string' ? wholeNumber(flag, v, min) : fallback;
  };
  const lockDuration = num('lock-duration', 30_000, 500);
  return {
    queue: values.queue,
    ...(backend ? { backend } : {}),
    ...(values['checkpoint-every'] !== undefined
      ? { checkpointEvery: wholeNumber('checkpoint-every', values['checkpoint-every'], 1) }
      : {}),
    lockDuration,
    stalledInterval: num('stalled-interval', 5000, 100),
    maxStalled: num('max-stalled', 10, 1),
    connectTimeout: num('connect-timeout', 5000, 100),
    quiet: values.quiet,
  };
}

/** Errors after which waiting for Redis is pointless. */
const FATAL = /^(OOM|WRONGPASS|NOAUTH|NOPERM)|DB index is out of range/;

/** Runs a worker until SIGTERM/SIGINT (exit 0) or a fatal Redis error (a `QueueError`). */
export async function workerMain(argv: string[], err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const options = parseWorkerArgs(argv);
  if (options === 'help') {
    process.stdout.write(WORKER_HELP);
    return 0;
  }
  const url = parseQueueUrl(options.queue);
  // Checked up front (answers, credentials, database, room for a write), then one reconnecting
  // client for the checkpoints and progress.
  (await connectRedis(url, options)).disconnect();
  const client = new Redis({ ...redisOptions(url, options), maxRetriesPerRequest: 2 });
  // Its failures reach the job that issued the command; `end` (below) is the one that stops the worker.
  client.on('error', () => undefined);
  const name = workerName();
  const mine = packageVersions();
  const log = (line: string) => {
    if (!options.quiet) err.write(`${line}\n`);
  };

  let current: AbortController | undefined;
  let stopping = false;
  let fatal: unknown;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (wake = resolve));

  const processor = async (job: Job<QueueJob>, token?: string) => {
    const parsed = queueJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`not a contrastive sweep job: ${parsed.error.issues[0]?.message ?? ''}`);
    const data = parsed.data;
    const diff = versionMismatch(data.versions, mine, `worker ${name}`);
    if (diff) {
      log(`${name}: refusing ${job.id}: package versions differ (${diff.replaceAll(' here,', ' on the coordinator,')})`);
      throw new UnrecoverableError(`versions differ: ${diff.replaceAll(' here,', ' on the coordinator,')}`);
    }
    const spec = options.checkpointEvery ? { ...data.spec, checkpointEvery: options.checkpointEvery } : data.spec;
    const backend = await selectBackend(options.backend ?? data.backend);
    const controller = new AbortController();
    current = controller;
    if (stopping) controller.abort();
    const key = checkpointKey(job.id!);
    const every = Math.max(1, Math.floor(spec.steps / 20));
    let last = -every;
    let at = 0;
    const progress = (step: number) => {
      at = step;
      job.updateProgress({ step, steps: spec.steps, worker: name } satisfies WorkerProgress).catch(() => undefined);
    };
    log(`${name}: start ${job.id} (attempt ${job.attemptsMade + 1})`);
    try {
      const result = await runJob(spec, {
        backend,
        checkpoint: redisCheckpointStore(client, key, `${url.display} key ${key}`),
        meta: { config: data.config },
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'start') {
            if (e.step > 0) log(`${name}: resumed ${job.id} from its checkpoint at step ${e.step}`);
            progress(e.step);
          } else if ((e.type === 'step' && e.step - last >= every) || e.type === 'checkpoint') {
            last = e.step;
            progress(e.step);
          }
        },
      });
      log(`${name}: done ${job.id} in ${result.seconds.toFixed(1)} s`);
      return { result, versions: mine, worker: name };
    } catch (e) {
      if ((e as Error).name === 'AbortError') {
        // Stopped by SIGTERM: the checkpoint is saved; back to the queue for any worker, not failed.
        await job.moveToWait(token);
        log(`${name}: stopped ${job.id} at step ${at} (checkpoint saved in Redis); it is back in the queue`);
        throw new WaitingError();
      }
      throw e;
    } finally {
      current = undefined;
    }
  };

  const worker = new Worker<QueueJob>(QUEUE_NAME, processor, {
    connection: redisOptions(url, options),
    concurrency: 1,
    lockDuration: options.lockDuration,
    stalledInterval: options.stalledInterval,
    maxStalledCount: options.maxStalled,
    autorun: false,
  });
  const stop = () => {
    stopping = true;
    current?.abort();
    wake();
  };
  worker.on('error', (e) => {
    if (FATAL.test(String(e?.message))) {
      fatal ??= e;
      stop();
    }
  });
  worker.on('failed', (job, e) => {
    if (job && e.name !== 'WaitingError') log(`${name}: ${job.id} failed: ${e.message}`);
    if (FATAL.test(String(e?.message))) {
      fatal ??= e;
      stop();
    }
  });
  // Redis gone for good (every reconnect failed): say so and exit, do not wait forever.
  client.on('end', () => {
    fatal ??= new Error('Connection is closed');
    stop();
  });
  const onSignal = () => {
    if (stopping) process.exit(130);
    log(`${name}: stopping (checkpointing the current job; press Ctrl-C again to quit at once)…`);
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  log(`${name}: waiting for jobs on ${url.display} (queue ${QUEUE_NAME})`);
  void worker.run().catch((e: unknown) => {
    fatal ??= e;
    stop();
  });
  await stopped;
  await worker.close().catch(() => undefined);
  client.disconnect();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (fatal) throw new QueueError(redisProblem(url, fatal), { cause: fatal });
  log(`${name}: stopped`);
  return 0;
}
