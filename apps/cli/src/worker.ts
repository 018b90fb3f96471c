// Worker-thread entry: one tfjs engine per worker, running one job at a time for the parent.
import { parentPort } from 'node:worker_threads';
import { selectBackend } from './backend';
import type { JobSpec } from './config';
import { runJob } from './job';

export type ToWorker =
  { type: 'run'; spec: JobSpec; checkpointPath: string; backend?: string; meta?: Record<string, unknown> } | { type: 'abort' };
export type FromWorker =
  { type: 'event'; event: import('./job').JobEvent } | { type: 'done' } | { type: 'error'; name: string; message: string; stack?: string };

const port = parentPort;
if (!port) throw new Error('worker.js must run in a worker thread');
let controller: AbortController | undefined;

port.on('message', async (msg: ToWorker) => {
  if (msg.type === 'abort') {
    controller?.abort();
    return;
  }
  controller = new AbortController();
  try {
    const backend = await selectBackend(msg.backend);
    await runJob(msg.spec, {
      backend,
      checkpointPath: msg.checkpointPath,
      signal: controller.signal,
      ...(msg.meta ? { meta: msg.meta } : {}),
      onEvent: (event) => port.postMessage({ type: 'event', event } satisfies FromWorker),
    });
    port.postMessage({ type: 'done' } satisfies FromWorker);
  } catch (e) {
    const err = e as Error;
    port.postMessage({ type: 'error', name: err.name, message: err.message, stack: err.stack } satisfies FromWorker);
  }
});
