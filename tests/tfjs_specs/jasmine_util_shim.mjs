// Stands in for tfjs-core's jasmine_util when tfjs's specs run against tessera: `describeWithFlags` runs
// each suite once, on the backend under test (globalThis.__TESSERA_SPEC_BACKEND), with a tidy-like scope
// around every spec as tfjs's own runner has. Constraint objects keep tfjs's meaning: a suite meant only
// for another platform or for WebGL flags does not run, and is not counted.
import * as tf from '../../dist/tessera.inline.js';

const backendName = () => globalThis.__TESSERA_SPEC_BACKEND || 'wasm';
const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;

export const ALL_ENVS = {};
export const NODE_ENVS = { predicate: () => isNode };
export const BROWSER_ENVS = { predicate: () => !isNode };
export const CHROME_ENVS = { flags: { IS_CHROME: true } };
export const SYNC_BACKEND_ENVS = { predicate: (testEnv) => testEnv.isDataSync === true };
export const HAS_WORKER = { predicate: () => typeof Worker !== 'undefined' && typeof Blob !== 'undefined' };
export const HAS_NODE_WORKER = { predicate: () => isNode };

/** The flag values tessera's environment has; WebGL flags are never set, as on tfjs's non-WebGL backends. */
function flagValue(name) {
  if (name === 'IS_CHROME') return !isNode && typeof navigator !== 'undefined' && /Chrome/.test(navigator.userAgent);
  if (name === 'IS_BROWSER') return !isNode;
  if (name === 'IS_NODE') return isNode;
  try {
    return typeof tf.env === 'function' ? tf.env().get(name) : undefined;
  } catch {
    return undefined;
  }
}

export function envSatisfiesConstraints(_env, testEnv, constraints) {
  if (constraints == null) return true;
  for (const [flag, value] of Object.entries(constraints.flags || {})) if (flagValue(flag) !== value) return false;
  return !(constraints.predicate && !constraints.predicate(testEnv));
}

export function currentTestEnv() {
  const name = backendName();
  return { name, backendName: name, flags: {}, isDataSync: name !== 'webgpu' };
}

export function describeWithFlags(name, constraints, tests) {
  const testEnv = currentTestEnv();
  if (!envSatisfiesConstraints(null, testEnv, constraints)) return;
  describe(`${name} ${testEnv.name} {}`, () => {
    beforeAll(async () => {
      tf.engine().reset(); // as TF.js's harness: each suite starts with no live tensors
      const ok = await tf.setBackend(testEnv.backendName);
      if (!ok) throw new Error(`tfjs specs: backend '${testEnv.backendName}' did not start`);
    });
    beforeEach(() => {
      if (typeof tf.engine === 'function') tf.engine().startScope();
    });
    afterEach(() => {
      if (typeof tf.engine === 'function') {
        tf.engine().endScope();
        tf.engine().disposeVariables?.();
      }
    });
    afterAll(() => tf.engine().reset());
    tests(testEnv);
  });
}

export function runWithLock(spec) {
  return spec;
}
export function parseTestEnvFromKarmaFlags() {
  return null;
}
export class TestKernelBackend {}
