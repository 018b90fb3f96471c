import { InvalidArgumentError, type Network, type NetworkJSON } from '@contrastive/core';
import { convNetFromJSON } from './conv-net';
import { directPredictorFromJSON } from './direct-predictor';
import { linearPredictorFromJSON } from './linear-predictor';
import { mlpFromJSON } from './mlp';
import { resNetFromJSON } from './res-net';
import { symmetricReluFromJSON } from './symmetric-relu';
import { treeNetworkFromJSON } from './tree-network';

const readers: Record<string, (json: NetworkJSON) => Network> = {
  symmetricRelu: symmetricReluFromJSON,
  mlp: mlpFromJSON,
  linearPredictor: linearPredictorFromJSON,
  directPredictor: directPredictorFromJSON,
  treeNetwork: treeNetworkFromJSON,
  convNet: convNetFromJSON,
  resNet: resNetFromJSON,
};

/** `NetworkJSON.type`s that `fromJSON` rebuilds. */
export const networkTypes: readonly string[] = Object.keys(readers);

/**
 * Rebuilds any network of this package from its `toJSON()` (also after a JSON.stringify/parse
 * round trip): same config, bit-identical weights, same schedule / running state.
 */
export function fromJSON(json: NetworkJSON): Network {
  if (!json || typeof json !== 'object') {
    throw new InvalidArgumentError({ op: 'fromJSON', argument: 'json', expected: 'a NetworkJSON object', actual: json });
  }
  const read = Object.hasOwn(readers, json.type) ? readers[json.type] : undefined;
  if (!read) {
    throw new InvalidArgumentError({ op: 'fromJSON', argument: 'json.type', expected: `one of ${networkTypes.map((t) => `'${t}'`).join(', ')}`, actual: json.type });
  }
  if (!json.config || typeof json.config !== 'object') {
    throw new InvalidArgumentError({ op: 'fromJSON', argument: 'json.config', expected: 'an object', actual: json.config });
  }
  return read(json);
}

/**
 * An independent copy of `net` (new variables with the same values and state), e.g. a BYOL
 * target initialised from the online network. `name` renames the copy (default: same name).
 */
export function cloneNetwork<N extends Network>(net: N, name?: string): N {
  if (!net || typeof (net as Network).toJSON !== 'function') {
    throw new InvalidArgumentError({ op: 'cloneNetwork', argument: 'net', expected: 'a Network with toJSON()', actual: net });
  }
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
    throw new InvalidArgumentError({ op: 'cloneNetwork', argument: 'name', expected: 'a non-empty string', actual: name });
  }
  const json = net.toJSON();
  return fromJSON(name === undefined ? json : { ...json, config: { ...json.config, name } }) as N;
}
