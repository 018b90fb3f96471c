import { InvalidArgumentError } from '@contrastive/core';
import type { Checkpoint, CheckpointStore } from './checkpoint';

/** The object store (table) every database of `indexedDbCheckpointStore` holds. */
const OBJECT_STORE = 'checkpoints';

/**
 * The part of the IndexedDB API used here, typed locally: the libraries compile without the DOM
 * lib, so `IDBFactory` is not in scope (a browser's `indexedDB` satisfies these).
 */
type Handler = ((event: any) => unknown) | null;
interface IdbRequest<T> {
  readonly result: T;
  readonly error: unknown;
  onsuccess: Handler;
  onerror: Handler;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: Handler;
  onblocked: Handler;
}
interface IdbDatabase {
  readonly objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(store: string, mode: 'readonly' | 'readwrite'): IdbTransaction;
}
interface IdbTransaction {
  readonly error: unknown;
  oncomplete: Handler;
  onabort: Handler;
  onerror: Handler;
  objectStore(name: string): { get(key: string): IdbRequest<unknown>; put(value: unknown, key: string): IdbRequest<unknown> };
}
/** An IndexedDB implementation: `globalThis.indexedDB`, or e.g. `fake-indexeddb`'s in Node. */
export interface IdbFactoryLike {
  /** Opens (or creates) a database: returns an `IDBOpenDBRequest`. */
  open(name: string, version?: number): unknown;
}

/** Options of `indexedDbCheckpointStore`. */
export interface IndexedDbCheckpointStoreOptions {
  /** Key of the checkpoint inside the database, so one database can hold several runs. Default 'latest'. */
  key?: string;
  /**
   * The IndexedDB implementation. Default `globalThis.indexedDB` (browsers, web workers); pass
   * e.g. `fake-indexeddb`'s in Node.
   */
  indexedDB?: IdbFactoryLike;
}

/** An IDBRequest as a promise (rejects with the request's error). */
function request<T>(r: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * A checkpoint store in the browser's IndexedDB (database `name`, object store 'checkpoints').
 * Each `save` is one readwrite transaction, which IndexedDB commits atomically: a tab closed or
 * crashed mid-save keeps the previous checkpoint. `save` resolves when the transaction has
 * committed (`complete`), not merely when the write was queued. The checkpoint is stored as a
 * structured clone (no JSON round trip), and `load` returns `undefined` before the first save.
 *
 * @example
 * const store = indexedDbCheckpointStore('my-run');
 * for await (const e of train({ ..., checkpoint: { store, every: 100 } })) { … }
 */
export function indexedDbCheckpointStore(name: string, options: IndexedDbCheckpointStoreOptions = {}): CheckpointStore {
  const op = 'indexedDbCheckpointStore';
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidArgumentError({ op, argument: 'name', expected: 'a non-empty database name', actual: name });
  const key = options.key ?? 'latest';
  if (typeof key !== 'string' || key.length === 0)
    throw new InvalidArgumentError({ op, argument: 'options.key', expected: 'a non-empty string', actual: key });
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IdbFactoryLike }).indexedDB;
  if (!factory) {
    throw new InvalidArgumentError({
      op,
      argument: 'options.indexedDB',
      expected: 'an IndexedDB implementation (globalThis.indexedDB in a browser)',
      actual: undefined,
      message: `no IndexedDB here (globalThis.indexedDB is undefined); in Node use fileCheckpointStore from '@contrastive/train/node' or pass options.indexedDB`,
    });
  }
  let db: Promise<IdbDatabase> | undefined;
  const open = (): Promise<IdbDatabase> => {
    db ??= new Promise<IdbDatabase>((resolve, reject) => {
      const r = factory.open(name, 1) as IdbOpenRequest;
      r.onupgradeneeded = () => {
        if (!r.result.objectStoreNames.contains(OBJECT_STORE)) r.result.createObjectStore(OBJECT_STORE);
      };
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
      r.onblocked = () => reject(new Error(`${op}: opening database '${name}' is blocked by another connection with an older version`));
    }).catch((e: unknown) => {
      db = undefined; // let a later call retry
      throw e;
    });
    return db;
  };
  return {
    async load() {
      const tx = (await open()).transaction(OBJECT_STORE, 'readonly');
      const value = await request(tx.objectStore(OBJECT_STORE).get(key));
      return value === undefined ? undefined : (value as Checkpoint);
    },
    async save(checkpoint: Checkpoint) {
      const tx = (await open()).transaction(OBJECT_STORE, 'readwrite');
      const done = new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onabort = () => reject(tx.error ?? new Error(`${op}: the save transaction was aborted`));
        tx.onerror = () => reject(tx.error);
      });
      tx.objectStore(OBJECT_STORE).put(checkpoint, key);
      await done;
    },
  };
}
