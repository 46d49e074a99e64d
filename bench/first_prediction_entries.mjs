// The two library bundles the first-prediction bench imports, one per fresh page: each exports
// `lib` (the namespace the model builders use), the builders and, for TF.js, setWasmPaths.
export const TESSERA_ENTRY = `
import * as ts from './dist/tessera.js';
ts.wasm.setWasmPaths('/dist/'); // bundled into /__first/, away from dist/'s sibling .wasm files
export const lib = ts;
export { buildCnn, buildTransformerBlock } from './bench/first_prediction_models.mjs';
export const setWasmPaths = null;
`;
export const TFJS_ENTRY = `
import * as tfc from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-webgpu';
export { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
export const lib = { ...tfc, layers: tfl.layers, sequential: tfl.sequential, model: tfl.model, input: tfl.input };
export { buildCnn, buildTransformerBlock } from './bench/first_prediction_models.mjs';
`;
