// The IndexedDB store's failure paths, driven by a hand-written factory that fires the events of the
// W3C IndexedDB API (open: upgradeneeded / success / error / blocked; transaction: complete / abort
// / error) the way a browser does, so each path runs on its own: a blocked or failed open rejects and
// is retried on the next call, the object store is created only when missing, an aborted save
// rejects with the transaction's error or a message saying so.
import { IDBFactory } from 'fake-indexeddb';
import { InvalidArgumentError } from '@contrastive/core';
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from './checkpoint';
import { type IdbFactoryLike, indexedDbCheckpointStore } from './indexeddb-checkpoint-store';

type Outcome = 'success' | 'error' | 'blocked';

/** A factory whose open requests end as `outcomes` says (one per call); the database keeps values in a Map. */
function scriptedFactory(
  outcomes: Outcome[],
  options: { hasStore?: boolean; saveEnds?: 'complete' | 'abort' | 'abort-null' | 'error' } = {},
) {
  const values = new Map<string, unknown>();
  const log: string[] = [];
  const db = {
    objectStoreNames: { contains: (n: string) => (log.push(`contains ${n}`), options.hasStore ?? false) },
    createObjectStore: (n: string) => void log.push(`create ${n}`),
    transaction(store: string, mode: string) {
      log.push(`tx ${store} ${mode}`);
      const tx = {
        error: options.saveEnds === 'abort' || options.saveEnds === 'error' ? new Error(`tx ${options.saveEnds}`) : null,
        oncomplete: null as null | (() => void),
        onabort: null as null | (() => void),
        onerror: null as null | (() => void),
        objectStore: () => ({
          get(key: string) {
            const r = { result: values.get(key), error: null, onsuccess: null as null | (() => void), onerror: null };
            queueMicrotask(() => r.onsuccess?.());
            return r;
          },
          put(value: unknown, key: string) {
            const ends = options.saveEnds ?? 'complete';
            if (ends === 'complete') values.set(key, value);
            queueMicrotask(() => (ends === 'complete' ? tx.oncomplete?.() : ends === 'error' ? tx.onerror?.() : tx.onabort?.()));
            return { result: undefined, error: null, onsuccess: null, onerror: null };
          },
        }),
      };
      return tx;
    },
  };
  const factory: IdbFactoryLike & { opens: Array<[string, number | undefined]> } = {
    opens: [],
    open(name: string, version?: number) {
      factory.opens.push([name, version]);
      const outcome = outcomes.shift() ?? 'success';
      const r = {
        result: db,
        error: new Error('open failed'),
        onsuccess: null as null | (() => void),
        onerror: null as null | (() => void),
        onupgradeneeded: null as null | (() => void),
        onblocked: null as null | (() => void),
      };
      queueMicrotask(() => {
        if (outcome === 'blocked') return r.onblocked?.();
        if (outcome === 'error') return r.onerror?.();
        r.onupgradeneeded?.();
        r.onsuccess?.();
      });
      return r;
    },
  };
  return { factory, log, values };
}

const ck = { version: 2, step: 1 } as unknown as Checkpoint;

describe('indexedDbCheckpointStore failure paths (mutation)', () => {
  it('opens version 1 of the named database once, creating the object store only when it is missing', async () => {
    const { factory, log } = scriptedFactory(['success']);
    const store = indexedDbCheckpointStore('runs', { indexedDB: factory });
    expect(store.location).toBeUndefined();
    expect(await store.load()).toBeUndefined();
    await store.save(ck);
    expect(await store.load()).toEqual(ck);
    expect(factory.opens).toEqual([['runs', 1]]);
    expect(log).toEqual([
      'contains checkpoints',
      'create checkpoints',
      'tx checkpoints readonly',
      'tx checkpoints readwrite',
      'tx checkpoints readonly',
    ]);
    const existing = scriptedFactory(['success'], { hasStore: true });
    await indexedDbCheckpointStore('runs', { indexedDB: existing.factory }).load();
    expect(existing.log).toEqual(['contains checkpoints', 'tx checkpoints readonly']);
  });

  it('a blocked or failed open rejects naming the database, and the next call opens again', async () => {
    const { factory } = scriptedFactory(['blocked', 'error', 'success']);
    const store = indexedDbCheckpointStore('runs', { indexedDB: factory });
    await expect(store.load()).rejects.toThrow(
      "indexedDbCheckpointStore: opening database 'runs' is blocked by another connection with an older version",
    );
    await expect(store.load()).rejects.toThrow('open failed');
    expect(await store.load()).toBeUndefined();
    expect(factory.opens).toHaveLength(3);
  });

  it("an aborted or failed save rejects with the transaction's error, or says it was aborted", async () => {
    for (const [ends, message] of [
      ['abort', 'tx abort'],
      ['error', 'tx error'],
      ['abort-null', 'indexedDbCheckpointStore: the save transaction was aborted'],
    ] as const) {
      const { factory, values } = scriptedFactory(['success'], { saveEnds: ends });
      await expect(indexedDbCheckpointStore('runs', { indexedDB: factory }).save(ck)).rejects.toThrow(message);
      expect(values.size).toBe(0);
    }
  });

  it('the key defaults to "latest"; bad names and keys are named', async () => {
    const { factory, values } = scriptedFactory(['success']);
    await indexedDbCheckpointStore('runs', { indexedDB: factory }).save(ck);
    expect([...values.keys()]).toEqual(['latest']);
    const name = (() => {
      try {
        indexedDbCheckpointStore(3 as never, { indexedDB: new IDBFactory() });
      } catch (e) {
        return e as InvalidArgumentError;
      }
    })();
    expect(name!.message).toBe("indexedDbCheckpointStore: invalid argument 'name': expected a non-empty database name, got 3");
    expect(() => indexedDbCheckpointStore('runs', { indexedDB: new IDBFactory(), key: 5 as never })).toThrow(
      "indexedDbCheckpointStore: invalid argument 'options.key': expected a non-empty string, got 5",
    );
    expect(() => indexedDbCheckpointStore('runs')).toThrow(
      "indexedDbCheckpointStore: no IndexedDB here (globalThis.indexedDB is undefined); in Node use fileCheckpointStore from '@contrastive/train/node' or pass options.indexedDB",
    );
  });
});
