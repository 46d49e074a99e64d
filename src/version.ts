/**
 * tessera's version (package.json's), exported as TF.js's `version_core` and written into saved
 * models, and TF.js's `version` map (the union package's per-package versions): tessera is one
 * package implementing them all, so each entry is tessera's version.
 */
export const version = '0.1.0';

/**
 * The versions of tessera and the TF.js APIs it follows, by package name.
 */
export const versions: Readonly<Record<string, string>> = Object.freeze({
  tessera: version,
  tfjs: version,
  'tfjs-core': version,
  'tfjs-layers': version,
  'tfjs-data': version,
  'tfjs-backend-cpu': version,
  'tfjs-backend-wasm': version,
  'tfjs-backend-webgpu': version,
});
