import type { TrainHistory } from '@contrastive/train';
import type { JobResult, JobSpec } from './cli';
import type { Heatmap } from './session';

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
  | { type: 'run'; runId: string; jobs: JobSpec[] }
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
  | { type: 'eval'; runId: string; job: number; step: number; metrics: Record<string, number>; heatmap?: Heatmap }
  | { type: 'job-done'; runId: string; job: number; result: JobResult }
  | { type: 'run-done'; runId: string }
  | { type: 'paused'; runId: string; step: number }
  | { type: 'resumed'; runId: string }
  | { type: 'stopped'; runId: string }
  | { type: 'pong'; id: number }
  | { type: 'error'; runId?: string; message: string };

export type { Heatmap, JobResult, JobSpec, TrainHistory };
