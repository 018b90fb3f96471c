import type { TrainHistory } from '@contrastive/train';
import type { JobResult, JobSpec } from './cli';
import type { Embedding, ViewPreview } from './image-session';
import type { ImageJob } from './image-settings';
import type { Heatmap } from './session';

/** A job the worker trains: a CLI job (decoupling, compare) or an image job. */
export type LabJob = JobSpec | ImageJob;

/** Backends the lab can ask for; 'auto' = WebGPU, then WebGL, then wasm. */
export type BackendRequest = 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The tfjs backend in use. */
  name: string;
  /** wasm threads (1 unless the page is cross-origin isolated). */
  threads: number;
  /** Whether the threaded wasm build runs (cross-origin isolated and the browser has wasm threads). */
  wasmThreads?: boolean;
  /** navigator.hardwareConcurrency. */
  cores?: number;
  crossOriginIsolated: boolean;
  /** Backends that initialised in this browser, for the picker. */
  available: string[];
}

/** Page → worker. */
export type MainToWorker =
  | { type: 'init'; backend: BackendRequest; wasmPath?: string; threads?: number }
  /** Train `jobs` one after the other (one for the decoupling demo, one per loss for a comparison). */
  | { type: 'run'; runId: string; jobs: LabJob[] }
  /** Two views of the first `count` images of the file at `dataUrl` (absolute), drawn with `seed`. */
  | { type: 'preview'; id: number; dataUrl: string; count: number; seed: number }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Stop and drop the current run. */
  | { type: 'stop' }
  | { type: 'ping'; id: number };

/** Worker → page. */
export type WorkerToMain =
  | { type: 'ready'; backend: BackendInfo }
  | { type: 'job-start'; runId: string; job: number; arm: string; steps: number }
  /** Losses of the steps since the last message (`fromStep` is the step of `losses[0]`, 1-based). */
  | { type: 'progress'; runId: string; job: number; step: number; fromStep: number; losses: number[]; stepsPerSecond: number }
  | {
      type: 'eval';
      runId: string;
      job: number;
      step: number;
      metrics: Record<string, number>;
      heatmap?: Heatmap;
      embedding?: Embedding;
    }
  | { type: 'preview'; id: number; preview: ViewPreview }
  | { type: 'preview-error'; id: number; message: string }
  | { type: 'job-done'; runId: string; job: number; result: JobResult }
  | { type: 'run-done'; runId: string }
  | { type: 'paused'; runId: string; step: number }
  | { type: 'resumed'; runId: string }
  | { type: 'stopped'; runId: string }
  | { type: 'pong'; id: number }
  | { type: 'error'; runId?: string; message: string };

export type { Embedding, Heatmap, ImageJob, JobResult, JobSpec, TrainHistory, ViewPreview };
