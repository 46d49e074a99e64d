// Stands in for tfjs's engine inside tfjs's test helpers (test_util reads the backend's float precision to
// pick its tolerance, and tfjs's util helpers read a platform for typed-array checks and string coding).
// It answers from tessera and from the JS runtime; nothing of tfjs's engine or backends is loaded.
import { Environment, setEnvironmentGlobal } from '../../node_modules/@tensorflow/tfjs-core/dist/environment.js';
import * as tf from '../../dist/tessera.inline.js';

const helperEnv = new Environment(globalThis);
helperEnv.setPlatform('tessera-spec-helpers', {
  isTypedArray: (a) => ArrayBuffer.isView(a) && !(a instanceof DataView),
  encode: (s) => new TextEncoder().encode(s),
  decode: (bytes, encoding) => new TextDecoder(encoding).decode(bytes),
  now: () => performance.now(),
  fetch: (...args) => fetch(...args),
});
helperEnv.registerFlag('TENSORLIKE_CHECK_SHAPE_CONSISTENCY', () => true);
setEnvironmentGlobal(helperEnv);

export const ENGINE = {
  get backend() {
    return { floatPrecision: () => (typeof tf.backend === 'function' && tf.backend()?.floatPrecision?.()) || 32 };
  },
};
