// Every preset, one per file: `contrastive run <name>` (and `list`) reads this table.
import type { ExperimentInput } from '../config';
import { compareBase } from './compare';
import { augmentationAblation } from './augmentation-ablation';
import { directPred } from './directpred';
import { featureDecoupling } from './feature-decoupling';
import { fmnistSsl } from './fmnist-ssl';
import { hltmPreset } from './hltm';
import { latentRecovery } from './latent-recovery';
import { simSiamCollapse } from './simsiam-collapse';
import { supConVsSimClr } from './supcon-vs-simclr';

export { COMPARE_METHODS } from './compare';

export interface Preset {
  /** One line for `contrastive list`. */
  summary: string;
  /** A fresh copy of the config (callers may change it), at `size` for a preset with sizes (default: its first). */
  build: (size?: string) => ExperimentInput;
  /**
   * `--size` variants: their names (the first is the default) and those the checks were calibrated
   * for (measured on this project's machines); a run at another size gets a verdict note.
   */
  sizes?: { names: readonly string[]; calibrated: readonly string[] };
}

export const PRESETS: Record<string, Preset> = {
  'feature-decoupling': {
    summary: 'Wen & Li 2021: masking learns sparse features, no augmentation learns dense ones (d=32, d1=256, m=64).',
    build: () => featureDecoupling('small'),
  },
  'feature-decoupling-large': {
    summary: 'The same at d=64, d1=512, m=256, B=512 (`run feature-decoupling --size large`).',
    build: () => featureDecoupling('large'),
  },
  'supcon-vs-simclr': { summary: 'Khosla et al. 2020: SupCon ≥ SimCLR on a linear probe; L_out ≥ L_in.', build: supConVsSimClr },
  'simsiam-collapse': { summary: 'Chen & He 2021: without stop-gradient or predictor SimSiam collapses.', build: simSiamCollapse },
  directpred: { summary: 'Tian et al. 2021: DirectPred does not collapse; a linear predictor aligns with F.', build: directPred },
  hltm: { summary: 'Tian et al. 2020: hidden units learn the latent tree variables.', build: hltmPreset },
  'latent-recovery': { summary: 'Zimmermann et al. 2021: InfoNCE recovers the latents (R², MCC).', build: latentRecovery },
  'fmnist-ssl': {
    summary:
      'Fashion-MNIST: SimCLR, SupCon, BYOL, SimSiam, Barlow Twins, VICReg and cross-entropy vs an untrained encoder and raw pixels (--size small|full).',
    build: (size) => fmnistSsl(size === 'full' ? 'full' : 'small'),
    sizes: { names: ['small', 'full'], calibrated: ['small'] },
  },
  'augmentation-ablation': {
    summary: 'Wen & Li / SimCLR on Fashion-MNIST: crop + colour beats crop, colour or no augmentation (--size small|full).',
    build: (size) => augmentationAblation(size === 'full' ? 'full' : 'small'),
    sizes: { names: ['small', 'full'], calibrated: ['small'] },
  },
  compare: { summary: 'Base setting of `contrastive compare` (all losses on identical data and seeds).', build: compareBase },
};

/** Resolves `name` (+ `--size large`) to a preset id. */
export function presetId(name: string, size?: string): string {
  return size === 'large' && !name.endsWith('-large') ? `${name}-large` : name;
}
