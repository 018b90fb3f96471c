// Each paper preset at its (small) default scale: the run must show the paper's qualitative claim,
// and the report must state the claim and the verdict. These are the checks the presets carry
// (apps/cli/src/presets/), evaluated on real training runs of the built binary.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtBin, runPreset } from './run-cli';

const bin = builtBin();
const dir = mkdtempSync(join(tmpdir(), 'contrastive-presets-'));

describe('paper presets reproduce their claims', () => {
  for (const preset of ['supcon-vs-simclr', 'simsiam-collapse', 'directpred', 'hltm', 'latent-recovery']) {
    it(preset, async () => {
      const out = join(dir, preset);
      const { status, json } = await runPreset(bin, preset, out);
      expect(json.passed).toBe(true);
      expect(status).toBe(0);
      const html = readFileSync(join(out, 'report.html'), 'utf8');
      expect(html).toContain(json.claim.slice(0, 40));
      expect(html).toContain('the run shows the claim');
    });
  }
});
