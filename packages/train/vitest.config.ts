import { defineConfig } from 'vitest/config';
import { sharedConfig } from '@contrastive/test-utils/vitest';

export default defineConfig(
  sharedConfig({
    // Left out under StrykerJS only (each trains for seconds, and every mutant in the training path
    // would rerun them: hours on the shared machine). What they cover is also covered by fast tests:
    // - conv-encoders: every method a few steps with a conv encoder (23 s on cpu); each method's own
    //   test file covers the same code with a dense encoder;
    // - dataset-run (14 s), resume (9 s), train (6.5 s, 2000 steps for the leak check): exact resume is
    //   also checked by the DirectPred, IndexedDB and log-file tests, the Dataset plumbing, the event
    //   cadence and the restore refusals by dataset-run/train.mutation.test.ts.
    mutationExclude: ['src/methods/conv-encoders.test.ts', 'src/dataset-run.test.ts', 'src/resume.test.ts', 'src/train.test.ts'],
  }),
);
