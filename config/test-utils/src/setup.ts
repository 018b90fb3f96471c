// Vitest setup shared by every package: registers tfjs (gradients, cpu) and the wasm backend,
// and turns any unexpected console warning or error into a test failure, so "kernel already
// registered" / "Platform node has already been set" (two tfjs copies) can never slip through.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterEach, beforeEach, vi } from 'vitest';

/** Messages tfjs prints once in Node that are expected, not a sign of trouble. */
const ALLOWED = [/looks like you are running TensorFlow\.js in Node\.js/, /^=+\s*$/];

let unexpected: string[] = [];

// Suites that do not pick a backend (via describeBackends) run on cpu, the reference backend.
await tf.setBackend(process.env.CONTRASTIVE_BACKEND ?? 'cpu');
await tf.ready();

function guard(kind: 'warn' | 'error') {
  const original = console[kind].bind(console);
  return (...args: unknown[]) => {
    const text = args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
    if (ALLOWED.some((re) => re.test(text.trim()))) return;
    unexpected.push(`console.${kind}: ${text}`);
    original(...args);
  };
}

beforeEach(() => {
  unexpected = [];
  vi.spyOn(console, 'warn').mockImplementation(guard('warn'));
  vi.spyOn(console, 'error').mockImplementation(guard('error'));
});

afterEach(() => {
  vi.restoreAllMocks();
  if (unexpected.length > 0) {
    const messages = unexpected.join('\n');
    unexpected = [];
    throw new Error(`Unexpected console output during the test:\n${messages}`);
  }
});
