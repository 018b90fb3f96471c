// What the queue engine's coordinator (`sweep --queue`) and workers (`contrastive worker`) share:
// the Redis URL, the connection (checked up front, with timeouts, so a bad URL, a dead or full Redis
// or a wrong password is one clear line and never a hang), the BullMQ queue and key names, the job
// payload and result schemas, the package versions a job carries, and the Redis checkpoint store.
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import type { Checkpoint, CheckpointStore } from '@contrastive/train';
import type { RedisOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { JobSpec } from '../config';
import { ConfigError, escapeText } from '../errors';
import { jobResultSchema } from '../results';

/** The BullMQ queue every coordinator fills and every worker drains (one per Redis database). */
export const QUEUE_NAME = 'contrastive-sweep';

/** A parsed `redis://[user][:password@]host[:port][/db]`. */
export interface QueueUrl {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  /** The URL with the password hidden (`redis://:***@host:6379/0`): what messages show. */
  display: string;
}

/** Parses `--queue`; errors name the flag and say what a valid URL looks like. */
export function parseQueueUrl(text: string, flag = '--queue'): QueueUrl {
  const expected = `expected redis://[:password@]host:port[/db], got '${escapeText(text, 100)}'`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${flag}: ${expected}`, { path: flag });
  }
  if (url.protocol !== 'redis:' || !url.hostname || url.search || url.hash) throw new ConfigError(`${flag}: ${expected}`, { path: flag });
  const port = url.port ? Number(url.port) : 6379;
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,5}$/.test(dbText))
    throw new ConfigError(`${flag}: the database must be a number (redis://host:port/0), got '/${escapeText(dbText, 40)}'`, { path: flag });
  const db = dbText === '' ? 0 : Number(dbText);
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const auth = username || password ? `${username ?? ''}${password ? ':***' : ''}@` : '';
  return {
    host,
    port,
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    display: `redis://${auth}${url.host}/${db}`,
  };
}

/** Connection settings: how long to wait for Redis before giving up. */
export interface ConnectOptions {
  /** Milliseconds to wait for a TCP connection (and for the server to answer). Default 5000. */
  connectTimeout?: number;
  /** Reconnection attempts (about one a second) after a lost connection before the process gives up. Default 20. */
  reconnectAttempts?: number;
}

/** ioredis options for BullMQ's own connections: bounded connect time and reconnects, never an endless retry. */
export function redisOptions(url: QueueUrl, options: ConnectOptions = {}): RedisOptions {
  const attempts = options.reconnectAttempts ?? 20;
  return {
    host: url.host,
    port: url.port,
    db: url.db,
    ...(url.username ? { username: url.username } : {}),
    ...(url.password ? { password: url.password } : {}),
    connectTimeout: options.connectTimeout ?? 5000,
    retryStrategy: (times: number) => (times > attempts ? null : 1000),
  };
}

/** One line for a Redis failure, naming the URL and what to do. */
export function redisProblem(url: QueueUrl, e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const message = String(err?.message ?? err);
  const code = err?.code ?? /\b(E[A-Z]{4,})\b/.exec(message)?.[1];
  const where = `${url.host}:${url.port}`;
  let problem: string;
  if (code === 'ECONNREFUSED') problem = `connection refused: is redis-server running on ${where}?`;
  else if (code === 'ETIMEDOUT' || /connect ETIMEDOUT|timed? ?out/i.test(message))
    problem = `no answer from ${where} (timed out): is the host reachable and the port open?`;
  else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') problem = `host ${url.host} is unreachable (${code})`;
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') problem = `unknown host '${url.host}' (${code})`;
  else if (/^WRONGPASS/.test(message)) problem = 'wrong password (or user name): Redis refused the credentials in the URL';
  else if (/^NOAUTH/.test(message)) problem = 'this Redis requires a password: give it in the URL, redis://:PASSWORD@host:port';
  else if (/AUTH.*without any password configured|called without any password/i.test(message))
    problem = 'a password was given, but this Redis has none: drop it from the URL';
  else if (/^OOM/.test(message))
    problem = `Redis is full (maxmemory reached, and its policy does not evict): free memory, raise maxmemory, or remove old jobs. Redis said: ${message}`;
  else if (/^(ERR )?DB index is out of range|invalid DB index/i.test(message)) problem = `no database ${url.db} on this Redis (${message})`;
  else if (/Connection is closed|Stream isn't writeable|ECONNRESET|EPIPE/.test(message))
    problem = `lost the connection to ${where} (${code ?? message})`;
  else problem = message;
  return `${url.display}: ${escapeText(problem, 500)}`;
}

/** A Redis failure: `message` is one line naming the URL. */
export class QueueError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueError';
  }
}

/**
 * Connects a plain client and checks the server: it answers, the credentials are right, the
 * database exists, and a write succeeds (a full Redis refuses it with OOM). Errors are `QueueError`s.
 * Commands fail fast (no offline queue, one retry) so a dead server is an error, not a wait.
 */
export async function connectRedis(url: QueueUrl, options: ConnectOptions = {}): Promise<Redis> {
  // Loaded here, not at start-up: `run` and local sweeps never touch Redis.
  const { Redis } = await import('ioredis');
  const client = new Redis({
    ...redisOptions(url, options),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  let last: unknown;
  client.on('error', (e) => (last = e));
  try {
    await client.connect();
    // ioredis selects the database on connect but only emits a refusal: ask again, and fail on it.
    await client.select(url.db);
    await client.ping();
    await client.set(`contrastive:probe:${hostname()}:${process.pid}`, '1', 'PX', 10_000);
  } catch (e) {
    client.disconnect();
    // ioredis reports a refused AUTH as the reason the connection closed: prefer the server's words.
    const cause = last && /Connection is closed/.test(String((e as Error)?.message)) ? last : e;
    throw new QueueError(redisProblem(url, cause), { cause });
  }
  return client;
}

/** The key of a job's checkpoint. */
export const checkpointKey = (bullId: string) => `contrastive:${QUEUE_NAME}:checkpoint:${bullId}`;

/**
 * A `CheckpointStore` in Redis (one string key holding the checkpoint's JSON). `train` validates
 * what `load` returns (structure, shapes, the job's meta), as it does for a file.
 */
export function redisCheckpointStore(client: Redis, key: string, location: string): CheckpointStore {
  return {
    location,
    load: async () => {
      const text = await client.get(key);
      if (text === null) return undefined;
      try {
        return JSON.parse(text) as Checkpoint;
      } catch (e) {
        const { CheckpointError } = await import('@contrastive/train');
        throw new CheckpointError({ location, reason: `is not valid JSON (${(e as Error).message})`, cause: e });
      }
    },
    save: async (checkpoint) => {
      await client.set(key, JSON.stringify(checkpoint));
    },
  };
}

const require = createRequire(import.meta.url);
/** The packages whose code decides a job's numbers. */
const VERSIONED = [
  '@contrastive/cli',
  '@contrastive/core',
  '@contrastive/data',
  '@contrastive/augment',
  '@contrastive/losses',
  '@contrastive/nets',
  '@contrastive/train',
  '@contrastive/analysis',
  '@contrastive/native',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-wasm',
];

let versions: Record<string, string> | undefined;
/**
 * The versions of the packages this process trains with. `CONTRASTIVE_TEST_VERSIONS` (JSON, test
 * only, like `CONTRASTIVE_FAULT`) overrides some, so the suite can start a mismatched worker.
 */
export function packageVersions(): Record<string, string> {
  if (!versions) {
    versions = {};
    for (const name of VERSIONED) {
      try {
        versions[name] = (require(`${name}/package.json`) as { version: string }).version;
      } catch {
        versions[name] = 'missing';
      }
    }
    const override = process.env['CONTRASTIVE_TEST_VERSIONS'];
    if (override) Object.assign(versions, JSON.parse(override) as Record<string, string>);
  }
  return versions;
}

/** `@contrastive/train 0.1.0 here, 0.2.0 there, …`, or undefined when they agree. */
export function versionMismatch(mine: Record<string, string>, theirs: Record<string, string>, who: string): string | undefined {
  const names = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])].sort();
  const diff = names
    .filter((n) => mine[n] !== theirs[n])
    .map((n) => `${n} ${mine[n] ?? 'missing'} here, ${theirs[n] ?? 'missing'} on ${who}`);
  return diff.length ? diff.join('; ') : undefined;
}

/** What the coordinator puts on the queue: the resolved job, and who asked with which versions. */
export const queueJobSchema = z.strictObject({
  /** The sweep's name and the job's id in it (`<point>-seed<n>`). */
  sweep: z.string(),
  id: z.string(),
  spec: z.custom<JobSpec>((v) => typeof v === 'object' && v !== null),
  /** The coordinator's `--backend` (workers use it unless given their own). */
  backend: z.string().optional(),
  /** The coordinator's package versions: a worker with others refuses the job. */
  versions: z.record(z.string(), z.string()),
  /** The hash of the spec stored in the job's checkpoints (as the local engine's). */
  config: z.string(),
});
export type QueueJob = z.output<typeof queueJobSchema>;

/** What a worker returns through Redis: the job's result (final metrics, curves, pictures), its versions, itself. */
export const queueResultSchema = z.looseObject({
  result: jobResultSchema,
  versions: z.record(z.string(), z.string()),
  /** `host:pid` of the worker that finished the job. */
  worker: z.string(),
});

/** The BullMQ job id of a sweep's job (BullMQ ids may not contain ':'). */
export const bullJobId = (sweep: string, id: string) => `${sweep}.${id}`;

/** `host:pid`: how a worker names itself in progress and results. */
export const workerName = () => `${hostname()}:${process.pid}`;
