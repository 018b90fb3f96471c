export { describeBackends, testBackends, useBackend, type TestBackend } from './backends';
export { expectNoLeak } from './leaks';
export { messageOf, rejectionOf } from './errors';
export { expectClose, expectGradMatchesFiniteDiff, numericGrad } from './numeric';
export { nonStrictObjects, nonStrictSchemas } from './strict';
export { supConReference, type SupConRefOptions } from './sup-con-reference';
