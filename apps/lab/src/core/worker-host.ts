import { decodeImageFile, type ImageFile } from './image-file';
import { createImageSession, previewViews } from './image-session';
import { isImageJob } from './image-settings';
import type { BackendInfo, LabJob, MainToWorker, WorkerToMain } from './protocol';
import { createSession, type Session } from './session';

export interface WorkerHostOptions {
  /** Sends a message to the page (postMessage in a worker, a callback in tests). */
  post: (message: WorkerToMain) => void;
  /** Initialises the tfjs backend asked for. */
  initBackend: (message: Extract<MainToWorker, { type: 'init' }>) => Promise<BackendInfo>;
  /** Longest time (ms) of training between two progress messages and two looks at the inbox. Default 50. */
  sliceMs?: number;
  /** Lets queued messages (pause, stop, ping) in; default a macrotask through a MessageChannel. */
  yieldToEvents?: () => Promise<void>;
  /** Reads an image file (src/core/image-file.ts) by URL; default `fetch`. Each URL is read once. */
  loadImages?: (url: string) => Promise<Uint8Array>;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`lab worker: could not load the image file ${url}: HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** A macrotask without setTimeout's 4 ms clamping of nested timers. */
function macrotask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((r) => setTimeout(r, 0));
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}

/**
 * The worker side of the lab: owns the tfjs engine, runs one run (a list of jobs) at a time in
 * slices of `sliceMs`, yielding to the event loop between slices so pause/stop/ping are answered
 * while training. Framework-free: the Web Worker entry only wires `handle` to `onmessage`.
 */
export function createWorkerHost(options: WorkerHostOptions) {
  const { post, initBackend } = options;
  const sliceMs = options.sliceMs ?? 50;
  const yieldToEvents = options.yieldToEvents ?? macrotask;
  const loadImages = options.loadImages ?? fetchBytes;
  const imageFiles = new Map<string, Promise<ImageFile>>();
  /** The decoded image file at `url` (fetched and checked once per worker). */
  const images = (url: string): Promise<ImageFile> => {
    let file = imageFiles.get(url);
    if (!file) {
      file = loadImages(url).then((bytes) => decodeImageFile(bytes, url.split('/').pop() || url));
      imageFiles.set(url, file);
      // A failed load is retried next time.
      file.catch(() => imageFiles.delete(url));
    }
    return file;
  };
  const open = async (spec: LabJob): Promise<Session<LabJob>> =>
    isImageJob(spec) ? createImageSession(spec, await images(spec.dataUrl)) : createSession(spec);
  let backend: BackendInfo | undefined;
  let backendReady: Promise<BackendInfo> | undefined;
  let current:
    | { runId: string; jobs: LabJob[]; job: number; session?: Session<LabJob>; paused: boolean; pauseAnnounced: boolean; stopped: boolean }
    | undefined;
  let loop: Promise<void> | undefined;

  async function drive(run: NonNullable<typeof current>) {
    try {
      for (; run.job < run.jobs.length; run.job++) {
        const spec = run.jobs[run.job]!;
        const session = await open(spec);
        run.session = session;
        if (run.stopped) {
          session.dispose();
          return;
        }
        post({ type: 'job-start', runId: run.runId, job: run.job, arm: spec.arm, steps: spec.steps });
        try {
          while (!session.done) {
            if (run.stopped) return;
            if (run.paused) {
              if (!run.pauseAnnounced) post({ type: 'paused', runId: run.runId, step: session.step });
              run.pauseAnnounced = true;
              await new Promise<void>((r) => setTimeout(r, 20));
              continue;
            }
            const t0 = performance.now();
            const fromStep = session.step + 1;
            const losses: number[] = [];
            // One step first, then as many as fit in the slice (the per-step time is measured).
            while (!session.done && performance.now() - t0 < sliceMs && !run.paused && !run.stopped) {
              for (const e of await session.advance(1)) {
                if (e.type === 'step') losses.push(e.loss);
                if (e.type === 'eval') {
                  if (losses.length) {
                    post({
                      type: 'progress',
                      runId: run.runId,
                      job: run.job,
                      step: session.step,
                      fromStep,
                      losses: losses.splice(0),
                      stepsPerSecond: 0,
                    });
                  }
                  const ev = session.lastEval!;
                  post({
                    type: 'eval',
                    runId: run.runId,
                    job: run.job,
                    step: e.step,
                    metrics: e.metrics,
                    ...(ev.heatmap && ev.step === e.step ? { heatmap: ev.heatmap } : {}),
                    ...(ev.embedding && ev.step === e.step ? { embedding: ev.embedding } : {}),
                  });
                }
              }
            }
            const ms = performance.now() - t0;
            if (losses.length) {
              const n = losses.length;
              post({
                type: 'progress',
                runId: run.runId,
                job: run.job,
                step: session.step,
                fromStep: session.step - n + 1,
                losses,
                stepsPerSecond: (n * 1000) / ms,
              });
            }
            await yieldToEvents();
          }
          post({ type: 'job-done', runId: run.runId, job: run.job, result: session.result(backend?.name ?? 'unknown') });
        } finally {
          session.dispose();
          run.session = undefined;
        }
      }
      post({ type: 'run-done', runId: run.runId });
    } catch (e) {
      post({ type: 'error', runId: run.runId, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    } finally {
      if (run.stopped) post({ type: 'stopped', runId: run.runId });
      if (current === run) current = undefined;
    }
  }

  return {
    /** The run in progress (for tests). */
    get current() {
      return current;
    },
    /** Resolves when the run in progress has ended. */
    idle(): Promise<void> {
      return loop ?? Promise.resolve();
    },
    async handle(message: MainToWorker): Promise<void> {
      try {
        switch (message.type) {
          case 'init':
            backendReady = initBackend(message);
            backend = await backendReady;
            post({ type: 'ready', backend });
            return;
          case 'run': {
            if (!backend) throw new Error("lab worker: 'run' before 'init'");
            if (current) {
              current.stopped = true;
              await loop;
            }
            const run = { runId: message.runId, jobs: message.jobs, job: 0, paused: false, pauseAnnounced: false, stopped: false };
            current = run;
            loop = drive(run);
            return;
          }
          case 'pause':
            if (current) current.paused = true;
            return;
          case 'resume':
            if (current?.paused) {
              current.paused = false;
              current.pauseAnnounced = false;
              post({ type: 'resumed', runId: current.runId });
            }
            return;
          case 'stop':
            if (current) {
              current.stopped = true;
              await loop;
            }
            return;
          case 'ping':
            post({ type: 'pong', id: message.id });
            return;
          case 'preview':
            try {
              if (!backendReady) throw new Error("lab worker: 'preview' before 'init'");
              await backendReady;
              const preview = previewViews(await images(message.dataUrl), { count: message.count, seed: message.seed });
              post({ type: 'preview', id: message.id, preview });
            } catch (e) {
              post({ type: 'preview-error', id: message.id, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
            }
            return;
        }
      } catch (e) {
        post({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      }
    },
  };
}
