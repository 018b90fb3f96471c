// The page's own state as the e2e tests read it (src/main.ts puts it on window.__lab).
import type { LabState } from '../src/core/store';

export interface LabWindow {
  state: LabState;
  ping(): Promise<number>;
  clicks: number;
  /** The augmentation preview on screen: its seed, requests sent, the last drawn and its image count. */
  preview: { seed: number; requested: number; drawn: number; images: number };
}

declare global {
  interface Window {
    __lab: LabWindow;
  }
}
