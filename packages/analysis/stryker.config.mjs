import { strykerConfig } from '../../config/stryker.base.mjs';

// timeoutMS: the shared 60 s margin made each hanging mutant (a loop counter turned `i--`) cost a
// minute; 15 s on top of 1.5 × the covering tests' dry-run time still leaves every terminating
// mutant several times its normal run time (the slowest covering set here runs in a few seconds).
export default { ...strykerConfig(), timeoutMS: 15_000 };
