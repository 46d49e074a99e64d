// The one list of tfjs-core specs that do not run against tessera, each with its reason. `file` entries drop
// a whole spec file (relative to @tensorflow/tfjs-core/dist); `spec` entries drop every spec whose full name
// contains the text; `backends` limits an entry to some backends. Only tfjs internals are excluded on every
// backend; on webgpu, also what TF.js's own webgpu backend fails when run the same way (measured, see README).
import { tfjsWebgpuFailures } from './tfjs_webgpu_reference.mjs';

const INTERNAL = 'tests tfjs internals (not public API)';
export const exclusions = [
  { file: 'backends/backend_test.js', reason: `${INTERNAL}: KernelBackend base class` },
  { file: 'backends/complex_util_test.js', reason: `${INTERNAL}: backend complex_util module` },
  { file: 'backends/non_max_suppression_util_test.js', reason: `${INTERNAL}: backend NMS helper module` },
  { file: 'debug_mode_test.js', reason: `${INTERNAL}: engine() debug-mode profiler internals` },
  { file: 'engine_test.js', reason: `${INTERNAL}: engine() internals, kernel registry and custom backends` },
  { file: 'flags_test.js', reason: `${INTERNAL}: webgl/platform flag registry` },
  { file: 'gradients_test.js', reason: `${INTERNAL}: engine() tape internals (ENGINE.isTapeOn)` },
  { file: 'hash_util_test.js', reason: `${INTERNAL}: hash_util module` },
  { file: 'jasmine_util_test.js', reason: `${INTERNAL}: tfjs's jasmine_util (replaced by tessera's runner)` },
  { file: 'kernel_registry_test.js', reason: `${INTERNAL}: kernel registry` },
  { file: 'profiler_test.js', reason: `${INTERNAL}: profiler module` },
  { file: 'tape_test.js', reason: `${INTERNAL}: tape module` },
  { file: 'tensor_util_test.js', reason: `${INTERNAL}: tensor_util module` },
  { file: 'test_util_test.js', reason: `${INTERNAL}: tfjs's own test_util` },
  { file: 'version_test.js', reason: `${INTERNAL}: tfjs package version string` },
  { file: 'platforms/platform_browser_test.js', reason: `${INTERNAL}: platform_browser module` },
  { file: 'io/router_registry_test.js', reason: `${INTERNAL}: io router registry module` },
  { file: 'io/progress_test.js', reason: `${INTERNAL}: io progress module` },
  { file: 'ops/axis_util_test.js', reason: `${INTERNAL}: axis_util module` },
  { file: 'ops/broadcast_util_test.js', reason: `${INTERNAL}: broadcast_util module` },
  { file: 'ops/concat_util_test.js', reason: `${INTERNAL}: concat_util module` },
  { file: 'ops/conv_util_test.js', reason: `${INTERNAL}: conv_util module` },
  { file: 'ops/dropout_util_test.js', reason: `${INTERNAL}: dropout_util module` },
  { file: 'ops/slice_util_test.js', reason: `${INTERNAL}: slice_util module` },
  // io/io_utils_test.js runs (encodeWeights, decodeWeights, decodeWeightsStream, getModelArtifactsForJSON, ...);
  // these blocks test io_utils helpers tfjs-core does not export
  { spec: 'concatenateTypedArrays', reason: `${INTERNAL}: io_utils.concatenateTypedArrays` },
  { spec: 'stringByteLength', reason: `${INTERNAL}: io_utils.stringByteLength` },
  { spec: 'basename Paths', reason: `${INTERNAL}: io_utils.basename` },
  { spec: 'float16 decodes', reason: `${INTERNAL}: io_utils.getFloat16Decoder (float16 weights are covered through io.decodeWeights)` },
  { spec: 'environment.getQueryParams basic', reason: `${INTERNAL}: environment module's getQueryParams (public as env().getQueryParams)` },
  { spec: 'Util infer shape', reason: `${INTERNAL}: tensor_util_env.inferShape (imported from tfjs's module, not tf.util)` },
];

// On webgpu only: the specs TF.js's own webgpu backend fails in the same Chromium (measured; see the file).
for (const [name, tfjsFailure] of tfjsWebgpuFailures) {
  exclusions.push({ specExact: name, backends: ['webgpu'], reason: `TF.js's webgpu backend fails it too: ${tfjsFailure.slice(0, 80)}` });
}

/** Files that run on `backend`, and a filter for the spec names that are left out. */
export function selection(allFiles, backend) {
  const applies = (e) => !e.backends || e.backends.includes(backend);
  const droppedFiles = new Set(exclusions.filter((e) => e.file && applies(e)).map((e) => e.file));
  const specTexts = exclusions.filter((e) => e.spec && applies(e)).map((e) => e.spec);
  const exactNames = new Set(exclusions.filter((e) => e.specExact && applies(e)).map((e) => e.specExact));
  return {
    files: allFiles.filter((f) => !droppedFiles.has(f)),
    keepSpec: (fullName) => !exactNames.has(fullName) && !specTexts.some((t) => fullName.includes(t)),
  };
}
