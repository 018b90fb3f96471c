// Browser stand-in for apps/cli/src/datasets.ts (swapped in by vite.config.ts). The CLI's config
// parser, which the lab composes, checks file datasets (CSV, NPY, image folders, the npm data
// packages) against the files on disk; the lab has no disk and offers no file datasets, so these
// are never reached from its pages, and the Node-only loaders stay out of its bundle.
import type { DatasetConfig } from '../../cli/src/config';
import type { DatasetInfo } from '../../cli/src/datasets';

const noFiles = (what: string): never => {
  throw new Error(`${what}: file datasets need Node (use the contrastive CLI); the lab has no file system`);
};

export const DEFAULT_TEST_FRACTION = 0.2;

export function resolveDataPaths<T extends { type: string }>(data: T): T {
  return data;
}

export function datasetInfo(d: DatasetConfig): DatasetInfo {
  return noFiles(`data '${d.type}'`);
}

export function loadSplits(d: DatasetConfig): never {
  return noFiles(`data '${d.type}'`);
}
