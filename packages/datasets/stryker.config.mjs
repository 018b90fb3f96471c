import { strykerConfig } from '../../config/stryker.base.mjs';

export default strykerConfig();
