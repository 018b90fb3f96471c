/**
 * Finite datasets: arrays and tensors, CSV, NPY, PNG parsers; Node file loaders and Fashion-MNIST/MNIST live in `@contrastive/datasets/node`.
 *
 * @packageDocumentation
 * @module @contrastive/datasets
 */
export type { Dataset, DatasetBatch } from '@contrastive/core';
export {
  arrayDataset,
  arrayDatasetOptionsSchema,
  type ArrayDatasetOptions,
  type ArrayInput,
  type NestedArray,
  subsetDataset,
  tensorDataset,
  tensorDatasetOptionsSchema,
  type TensorDatasetOptions,
} from './array-dataset';
export {
  csvDataset,
  csvDatasetOptionsSchema,
  type CsvDatasetOptions,
  csvOptionsSchema,
  type CsvOptions,
  parseCsv,
  type ParsedCsv,
} from './csv';
export { NPY_DTYPES, type NpyArray, npyDataset, npyDatasetOptionsSchema, type NpyDatasetOptions, type NpyDtype, parseNpy } from './npy';
export { type DecodedImage, type ImageChannels, imageDataset, imageDatasetOptionsSchema, type ImageDatasetOptions } from './images';
