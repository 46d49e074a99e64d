/**
 * tessera's public API (the `tessera` entry): `tessera/core` and `tessera/layers` together, plus TF.js's
 * chained Tensor methods (x.add(y).relu()), installed here, in the entry, so the core modules stay free
 * of import-time effects. Names and argument orders follow TensorFlow.js, so code ports by changing the import.
 */
import { installChainMethods } from './chain.js';
import * as publicApi from './index.js';

export * from './core.js';
export * from './layers_api.js';

installChainMethods(publicApi as unknown as Record<string, unknown>);
