/** tessera's version (package.json's), exported as TF.js's `version_core` and written into saved models. */
export const version = '0.1.0';
