// How the peer libraries express each benchmark case of bench/cases.mjs (keyed by case name):
// onnxruntime-web gets a one-op ONNX graph (bench/onnx_proto.mjs), @jax-js/jax a jitted function.
// Each spec gives `inputs` (shapes in that peer's native layout: NCHW/OIHW for ONNX and jax-js
// convolutions; `jaxInputs` where jax-js differs, e.g. [B, L, N, H] attention). The work counted is the
// bench case's. A case missing here (training steps) has no peer row.
//
// onnx(inputNames) returns {nodes, initializers, output: [name, shape]}; the page appends a Slice to
// a one-element corner so the big result stays inside the runtime (the readback rule of
// bench/cases.mjs#syncAndDispose). jax(lib) returns the function to jit; it takes owned arrays.
import { initializer, node } from './onnx_proto.mjs';

const matMul = (m, k, n) => [`matMul ${m}x${k} @ ${k}x${n}`, {
  inputs: [[m, k], [k, n]],
  onnx: ([a, b]) => ({ nodes: [node('MatMul', [a, b], ['y'])], output: ['y', [m, n]] }),
  jax: ({ numpy: np }) => (a, b) => np.matmul(a, b),
}];

/** Stride-1 'same' convolution of an NHWC bench case, here NCHW input and OIHW filter. */
const conv = (name, [n, h, w, c], [kh, kw, cOut], groups = 1) => [name, {
  inputs: [[n, c, h, w], [cOut, c / groups, kh, kw]],
  onnx: ([x, f]) => ({
    nodes: [node('Conv', [x, f], ['y'], {
      kernel_shape: [kh, kw], strides: [1, 1], dilations: [1, 1], group: groups,
      pads: [(kh - 1) >> 1, (kw - 1) >> 1, kh >> 1, kw >> 1],
    })],
    output: ['y', [n, cOut, h, w]],
  }),
  jax: ({ lax }) => (x, f) => lax.convGeneralDilated(x, f, [1, 1], 'SAME', { featureGroupCount: groups }),
}];

const ADD_N = 4 * 1024 * 1024;
const ATT = { batch: 1, heads: 8, seq: 256, dim: 64 };

/** Additive causal mask [seq, seq]: 0 on and below the diagonal, -1e9 above. */
function causalMask(seq) {
  const m = new Float32Array(seq * seq);
  for (let i = 0; i < seq; i++) for (let j = i + 1; j < seq; j++) m[i * seq + j] = -1e9;
  return m;
}

export const peerCases = new Map([
  matMul(256, 256, 256),
  matMul(512, 512, 512),
  matMul(1024, 1024, 1024),
  matMul(1024, 256, 2048),
  matMul(197, 768, 3072),
  ['add 4M', {
    inputs: [[ADD_N], [ADD_N]],
    onnx: ([a, b]) => ({ nodes: [node('Add', [a, b], ['y'])], output: ['y', [ADD_N]] }),
    jax: ({ numpy: np }) => (a, b) => np.add(a, b),
  }],
  ['softmax [512,4096]', {
    inputs: [[512, 4096]],
    onnx: ([x]) => ({ nodes: [node('Softmax', [x], ['y'], { axis: -1 })], output: ['y', [512, 4096]] }),
    jax: ({ nn }) => (x) => nn.softmax(x, -1),
  }],
  conv('conv2d [1,56,56,64] * [3,3,64,64] same', [1, 56, 56, 64], [3, 3, 64]),
  conv('conv2d [1,28,28,32] * [3,3,32,96] same', [1, 28, 28, 32], [3, 3, 96]),
  conv('depthwiseConv2d [1,112,112,32] 3x3 same', [1, 112, 112, 32], [3, 3, 32], 32),
  [`attention b${ATT.batch} h${ATT.heads} s${ATT.seq} d${ATT.dim} causal`, {
    // ONNX: softmax(q k^T * scale + mask) v with the mask an initializer; jax-js: its fused
    // nn.dotProductAttention (layout [B, L, N, H]).
    inputs: [[ATT.batch, ATT.heads, ATT.seq, ATT.dim], [ATT.batch, ATT.heads, ATT.seq, ATT.dim], [ATT.batch, ATT.heads, ATT.seq, ATT.dim]],
    jaxInputs: [[ATT.batch, ATT.seq, ATT.heads, ATT.dim], [ATT.batch, ATT.seq, ATT.heads, ATT.dim], [ATT.batch, ATT.seq, ATT.heads, ATT.dim]],
    onnx: ([q, k, v]) => ({
      nodes: [
        node('Transpose', [k], ['kt'], { perm: [0, 1, 3, 2] }),
        node('MatMul', [q, 'kt'], ['scores']),
        node('Mul', ['scores', 'scale'], ['scaled']),
        node('Add', ['scaled', 'mask'], ['masked']),
        node('Softmax', ['masked'], ['probs'], { axis: -1 }),
        node('MatMul', ['probs', v], ['y']),
      ],
      initializers: [
        initializer('scale', [], Float32Array.of(1 / Math.sqrt(ATT.dim))),
        initializer('mask', [ATT.seq, ATT.seq], causalMask(ATT.seq)),
      ],
      output: ['y', [ATT.batch, ATT.heads, ATT.seq, ATT.dim]],
    }),
    jax: ({ nn }) => (q, k, v) => nn.dotProductAttention(q, k, v, { isCausal: true }),
  }],
  ['layerNorm [512,768]', {
    inputs: [[512, 768], [768], [768]],
    onnx: ([x, g, b]) => ({
      nodes: [node('LayerNormalization', [x, g, b], ['y'], { axis: -1, epsilon: { float: 1e-5 } })],
      output: ['y', [512, 768]],
    }),
    jax: ({ nn }) => (x, g, b) => nn.standardize(x, -1, { epsilon: 1e-5 }).mul(g).add(b),
  }],
]);
