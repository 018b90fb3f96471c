// The real-data presets at --size small (what CI runs), end to end with the built binary: every
// check passes, and the means land near the numbers documented in docs/presets/*.md (measured on
// this project's machine; tolerance max(0.03, 3 × the documented std over seeds), since another
// machine's float rounding (native kernels or not) moves a short training run a little).
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtBin, runPreset } from './run-cli';

const bin = builtBin();
const dir = mkdtempSync(join(tmpdir(), 'contrastive-real-presets-'));

/** Documented means ± std over seeds 0, 1 (docs/presets/fmnist-ssl.md, augmentation-ablation.md). */
type Documented = Record<string, { probe: [number, number]; knn20: [number, number] }>;
const DOCUMENTED: Record<string, Documented> = {
  'fmnist-ssl': {
    SimCLR: { probe: [0.702, 0.013], knn20: [0.663, 0.004] },
    SupCon: { probe: [0.712, 0.002], knn20: [0.679, 0.011] },
    BYOL: { probe: [0.635, 0.045], knn20: [0.536, 0.015] },
    SimSiam: { probe: [0.635, 0.043], knn20: [0.551, 0.052] },
    'Barlow Twins': { probe: [0.699, 0.018], knn20: [0.663, 0.001] },
    VICReg: { probe: [0.7, 0.001], knn20: [0.653, 0.023] },
    'cross-entropy': { probe: [0.699, 0.013], knn20: [0.639, 0.012] },
    'untrained encoder': { probe: [0.675, 0.006], knn20: [0.615, 0.013] },
    'raw pixels': { probe: [0.81, 0], knn20: [0.767, 0] },
  },
  'augmentation-ablation': {
    none: { probe: [0.639, 0.049], knn20: [0.589, 0.012] },
    crop: { probe: [0.684, 0.008], knn20: [0.614, 0.001] },
    colour: { probe: [0.639, 0.055], knn20: [0.593, 0.018] },
    'crop + colour': { probe: [0.702, 0.013], knn20: [0.663, 0.004] },
  },
};

interface Arm {
  name: string;
  mean: Record<string, number>;
  std: Record<string, number>;
}

describe('real-data presets at --size small', () => {
  for (const preset of Object.keys(DOCUMENTED)) {
    it(
      preset,
      async () => {
        const out = join(dir, preset);
        const { status, json } = await runPreset(bin, preset, out);
        expect(status).toBe(0);
        for (const [name, doc] of Object.entries(DOCUMENTED[preset]!)) {
          const arm = json.arms.find((a: Arm) => a.name === name) as Arm;
          for (const [key, [mean, std]] of [
            ['linearProbe.testAccuracy', doc.probe],
            ['knn20.top1', doc.knn20],
          ] as const) {
            const tolerance = Math.max(0.03, 3 * std);
            expect(
              Math.abs(arm.mean[key]! - mean),
              `${name} ${key}: ${arm.mean[key]} vs documented ${mean} ± ${tolerance}`,
            ).toBeLessThanOrEqual(tolerance);
          }
        }
        const html = readFileSync(join(out, 'report.html'), 'utf8');
        expect(html).toContain('the run shows the claim');
        expect(html).toContain('First-layer filters');
        expect(html).toContain('first two principal components');
        console.log(
          `${preset}: ${json.arms.map((a: Arm) => `${a.name} probe ${a.mean['linearProbe.testAccuracy']?.toFixed(3)} kNN20 ${a.mean['knn20.top1']?.toFixed(3)}`).join('; ')}`,
        );
      },
      1_200_000,
    ); // about 3 min each on 2 idle cores (docs/presets/fmnist-ssl.md: 333 and 118 CPU-seconds)
  }
});
