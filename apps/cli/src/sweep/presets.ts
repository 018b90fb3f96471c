// Sweep presets (`contrastive sweep <name>`): phase diagrams that answer a question, each with checks.
import type { SweepInput } from './schema';

export interface SweepPreset {
  /** One line for `contrastive list`. */
  summary: string;
  /** A fresh copy of the sweep (callers may change it). */
  build: () => SweepInput;
}

export const SWEEP_PRESETS: Record<string, SweepPreset> = {};
