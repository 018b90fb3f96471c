// The CLI's experiment definitions, composed rather than copied: presets, config schema, the
// name → factory registry, `compare` and the results summary. These files of apps/cli import only
// the library packages (never Node built-ins or @contrastive/native), so the lab bundles them for
// the browser as they are and its numbers are the CLI's. The registry (which pulls in every
// library and tfjs) is in ./cli-registry.ts, so the page's own bundle stays free of it. (apps/cli/src/job.ts is not imported: it
// reaches the file checkpoint store; the lab's evaluation lives in ./session.ts.)
export { COMPARE_METHODS, PRESETS } from '../../../cli/src/presets';
export { jobsOf, parseExperiment, type AugmentConfig, type Experiment, type ExperimentInput, type JobSpec } from '../../../cli/src/config';
export { comparison } from '../../../cli/src/compare';
// (results.ts also holds readRunFile, which imports node:fs: never called here, externalised by Vite.)
export { runResultsSchema, summarize, type ArmSummary, type CheckResult, type RunResults } from '../../../cli/src/results';
export type { JobResult } from '../../../cli/src/job';
