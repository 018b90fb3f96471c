import { InvalidArgumentError, type Network, type NetworkJSON } from '@contrastive/core';
import { convNetFromJSON } from './conv-net';
import { directPredictorFromJSON } from './direct-predictor';
import { linearPredictorFromJSON } from './linear-predictor';
import { mlpFromJSON } from './mlp';
import { resNetFromJSON } from './res-net';
import { symmetricReluFromJSON } from './symmetric-relu';
import { treeNetworkFromJSON } from './tree-network';

/** Rebuilds a network of one `NetworkJSON.type` from its `toJSON()` (new variables, same values and state). */
export type NetworkReader = (json: NetworkJSON) => Network;

const readers = new Map<string, NetworkReader>([
  ['symmetricRelu', symmetricReluFromJSON],
  ['mlp', mlpFromJSON],
  ['linearPredictor', linearPredictorFromJSON],
  ['directPredictor', directPredictorFromJSON],
  ['treeNetwork', treeNetworkFromJSON],
  ['convNet', convNetFromJSON],
  ['resNet', resNetFromJSON],
]);
const builtIn = new Set(readers.keys());

/** `NetworkJSON.type`s that `fromJSON` rebuilds: this package's, then the registered ones (live). */
export const networkTypes: readonly string[] = [...readers.keys()];

const howToRegister = "register a reader with registerNetworkType(type, (json) => network) from '@contrastive/nets'";

/**
 * Makes `fromJSON` (and so `cloneNetwork`, used for the BYOL and DirectPred targets) rebuild
 * networks whose `toJSON().type` is `type`. Registering a type again replaces its reader; the
 * package's own types cannot be replaced.
 *
 * @example
 * registerNetworkType('myEncoder', (json) => myEncoderFromJSON(json));
 */
export function registerNetworkType(type: string, reader: NetworkReader): void {
  const op = 'registerNetworkType';
  if (typeof type !== 'string' || type.length === 0) {
    throw new InvalidArgumentError({ op, argument: 'type', expected: 'a non-empty string', actual: type });
  }
  if (builtIn.has(type)) {
    throw new InvalidArgumentError({
      op,
      argument: 'type',
      expected: `a type other than the built-in ${[...builtIn].map((t) => `'${t}'`).join(', ')}`,
      actual: type,
    });
  }
  if (typeof reader !== 'function') {
    throw new InvalidArgumentError({ op, argument: 'reader', expected: 'a function (json: NetworkJSON) => Network', actual: reader });
  }
  if (!readers.has(type)) (networkTypes as string[]).push(type);
  readers.set(type, reader);
}

/**
 * Rebuilds a network from its `toJSON()` (also after a JSON.stringify/parse round trip): same
 * config, bit-identical weights, same schedule / running state. Knows this package's networks
 * and those added with `registerNetworkType`.
 */
export function fromJSON(json: NetworkJSON): Network {
  if (!json || typeof json !== 'object') {
    throw new InvalidArgumentError({ op: 'fromJSON', argument: 'json', expected: 'a NetworkJSON object', actual: json });
  }
  const read = typeof json.type === 'string' ? readers.get(json.type) : undefined;
  if (!read) {
    throw new InvalidArgumentError({
      op: 'fromJSON',
      argument: 'json.type',
      expected: `one of ${networkTypes.map((t) => `'${t}'`).join(', ')} (for another type, ${howToRegister})`,
      actual: json.type,
    });
  }
  if (!json.config || typeof json.config !== 'object') {
    throw new InvalidArgumentError({ op: 'fromJSON', argument: 'json.config', expected: 'an object', actual: json.config });
  }
  return read(json);
}

/**
 * An independent copy of `net` (new variables with the same values and state), e.g. a BYOL
 * target initialised from the online network. `name` renames the copy (default: same name).
 * Uses `net.clone(name)` when the network has one, else `fromJSON(net.toJSON())` (which needs
 * the type to be built in or registered with `registerNetworkType`).
 */
export function cloneNetwork<N extends Network>(net: N, name?: string): N {
  if (!net || (typeof (net as Network).toJSON !== 'function' && typeof (net as Network).clone !== 'function')) {
    throw new InvalidArgumentError({ op: 'cloneNetwork', argument: 'net', expected: 'a Network with clone() or toJSON()', actual: net });
  }
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
    throw new InvalidArgumentError({ op: 'cloneNetwork', argument: 'name', expected: 'a non-empty string', actual: name });
  }
  if (typeof net.clone === 'function') return net.clone(name) as N;
  const json = net.toJSON();
  if (!readers.has(json?.type)) {
    throw new InvalidArgumentError({
      op: 'cloneNetwork',
      argument: 'net',
      expected: 'a network with clone(), or one whose toJSON().type fromJSON knows',
      actual: json?.type,
      message:
        `cannot copy network '${net.name}' of type '${json?.type}': give it a clone(name?) method, or ${howToRegister}. ` +
        `Registered types: ${networkTypes.map((t) => `'${t}'`).join(', ')}`,
    });
  }
  return fromJSON(name === undefined ? json : { ...json, config: { ...json.config, name } }) as N;
}
