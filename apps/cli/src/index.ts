// Programmatic API of the CLI (used by tests and the bench).
export { selectBackend } from './backend';
export { experimentSchema, jobsOf, parseExperiment, type Experiment, type ExperimentInput, type JobSpec } from './config';
export { ConfigError } from './errors';
export { prepareRun, type PreparedRun } from './prepare';
export { runJob, type JobResult } from './job';
export { loadExperiment } from './load-config';
export { PRESETS } from './presets';
export { renderReport } from './report';
export { summarize, type RunResults } from './results';
export { runExperiment } from './runner';
