import type { Config } from '../config/index.js';
import type { Services } from './index.js';

/** What every module's routes plugin receives. */
export interface ModuleDeps {
  services: Services;
  config: Config;
}
