// Browser stand-in for apps/cli/src/datasets.ts (resolved in its place for apps/cli/src/config.ts
// by vite.config.ts). The CLI's dataset configs (`data: { type: fashionMnist | csv | … }`) read
// files and npm data packages in Node (node:fs, node:path, @contrastive/datasets/node); the lab
// parses only the feature-decoupling and compare presets, which have none, and ships its own
// image subset (src/core/image-file.ts). A dataset config reaching the parser here is an error.
import type { DatasetInfo } from '../../cli/src/datasets';
import { ConfigError } from '../../cli/src/errors';

export type { DatasetInfo };

/** File paths stay as they are: there are no files to resolve in the browser. */
export function resolveDataPaths<T extends { type: string }>(data: T): T {
  return data;
}

export function datasetInfo(d: { type: string }, at = 'data'): never {
  throw new ConfigError(
    `${at}: '${d.type}' datasets are read by the CLI in Node; in the lab, use the Real images view (its Fashion-MNIST subset ships with the page)`,
    { path: at },
  );
}
