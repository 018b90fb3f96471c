import { strykerConfig } from '../../config/stryker.base.mjs';

// The tests of this package run in milliseconds, so a mutant that has not finished 10 s past its
// covering tests' time has hung (e.g. a CSV scan or a parent-folder walk that no longer advances):
// 10 s instead of 60 s keeps such mutants from costing an hour (they count as killed either way).
export default { ...strykerConfig(), timeoutMS: 10_000 };
