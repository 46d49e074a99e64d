// The GPT the generation benchmark times (issue 11), built twice with the same shape: in tessera
// (tokenAndPositionEmbedding -> 4 x transformerDecoder -> dense) and in tfjs-layers 4.22, which
// has no multiHeadAttention or transformer layer: there each block is one custom layer holding the
// same weights as tessera's transformerDecoder (fused-free q/k/v/output projections, post-norm
// residual attention and a relu feed-forward of 4 x dim) and computing causal attention with
// tfjs-core ops (matMul, a -1e9 mask above the diagonal, softmax). TF.js has no KV cache, so its
// generation re-runs the whole sequence for every token, like tessera with useCache: false.
export const GPT = { vocab: 96, dim: 256, heads: 4, layers: 4, context: 256 };

export function tesseraGpt(ts) {
  const m = ts.sequential();
  m.add(ts.layers.tokenAndPositionEmbedding({ vocabularySize: GPT.vocab, sequenceLength: GPT.context, embeddingDim: GPT.dim, inputShape: [null],
    embeddingsInitializer: ts.initializers.randomNormal({ seed: 1, stddev: 0.1 }) }));
  for (let i = 0; i < GPT.layers; i++)
    m.add(ts.layers.transformerDecoder({ numHeads: GPT.heads, intermediateDim: 4 * GPT.dim, kernelInitializer: ts.initializers.glorotUniform({ seed: 10 + i }) }));
  m.add(ts.layers.dense({ units: GPT.vocab, kernelInitializer: ts.initializers.glorotUniform({ seed: 7 }) }));
  return m;
}

/** The tfjs-layers GPT; `tfc` is tfjs-core, `tfl` tfjs-layers. */
export function tfjsGpt(tfc, tfl) {
  const { dim, heads } = GPT;
  const headDim = dim / heads;
  class Positions extends tfl.layers.Layer {
    static className = 'BenchPositions';
    build() {
      this.table = this.addWeight('positions', [GPT.context, dim], 'float32', tfl.initializers.randomNormal({ stddev: 0.1, seed: 2 }));
      this.built = true;
    }
    call(inputs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tfc.tidy(() => tfc.add(x, tfc.slice(this.table.read(), [0, 0], [x.shape[1], dim])));
    }
  }
  class DecoderBlock extends tfl.layers.Layer {
    static className = 'BenchDecoderBlock';
    constructor(args) {
      super(args);
      this.seed = args.seed;
    }
    build() {
      const w = (name, shape, k) => this.addWeight(name, shape, 'float32', tfl.initializers.glorotUniform({ seed: this.seed * 16 + k }));
      const z = (name, shape) => this.addWeight(name, shape, 'float32', tfl.initializers.zeros());
      const o = (name, shape) => this.addWeight(name, shape, 'float32', tfl.initializers.ones());
      this.p = {
        wq: w('wq', [dim, dim], 0), bq: z('bq', [dim]), wk: w('wk', [dim, dim], 1), bk: z('bk', [dim]),
        wv: w('wv', [dim, dim], 2), bv: z('bv', [dim]), wo: w('wo', [dim, dim], 3), bo: z('bo', [dim]),
        g1: o('g1', [dim]), b1: z('b1', [dim]), w1: w('w1', [dim, 4 * dim], 4), c1: z('c1', [4 * dim]),
        w2: w('w2', [4 * dim, dim], 5), c2: z('c2', [dim]), g2: o('g2', [dim]), b2: z('b2', [dim]),
      };
      this.built = true;
    }
    computeOutputShape(s) {
      return s;
    }
    call(inputs) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const p = Object.fromEntries(Object.entries(this.p).map(([k, v]) => [k, v.read()]));
      return tfc.tidy(() => {
        const [b, t] = x.shape;
        const flat = tfc.reshape(x, [b * t, dim]);
        const proj = (w, bias) => tfc.add(tfc.matMul(flat, w), bias);
        const split = (y) => tfc.transpose(tfc.reshape(y, [b, t, heads, headDim]), [0, 2, 1, 3]);
        const q = split(proj(p.wq, p.bq)), k = split(proj(p.wk, p.bk)), v = split(proj(p.wv, p.bv));
        const above = tfc.sub(1, tfc.linalg.bandPart(tfc.ones([t, t]), -1, 0));
        const scores = tfc.add(tfc.mul(tfc.matMul(q, k, false, true), 1 / Math.sqrt(headDim)), tfc.mul(above, -1e9));
        const att = tfc.reshape(tfc.transpose(tfc.matMul(tfc.softmax(scores), v), [0, 2, 1, 3]), [b * t, dim]);
        const norm = (y, g, beta) => {
          const { mean, variance } = tfc.moments(y, -1, true);
          return tfc.add(tfc.mul(tfc.div(tfc.sub(y, mean), tfc.sqrt(tfc.add(variance, 1e-5))), g), beta);
        };
        const h = norm(tfc.add(flat, tfc.add(tfc.matMul(att, p.wo), p.bo)), p.g1, p.b1);
        const f = tfc.add(tfc.matMul(tfc.relu(tfc.add(tfc.matMul(h, p.w1), p.c1)), p.w2), p.c2);
        return tfc.reshape(norm(tfc.add(h, f), p.g2, p.b2), [b, t, dim]);
      });
    }
  }
  const m = tfl.sequential();
  m.add(tfl.layers.embedding({ inputDim: GPT.vocab, outputDim: dim, inputShape: [null], embeddingsInitializer: tfl.initializers.randomNormal({ stddev: 0.1, seed: 1 }) }));
  m.add(new Positions({}));
  for (let i = 0; i < GPT.layers; i++) m.add(new DecoderBlock({ seed: 10 + i }));
  m.add(tfl.layers.dense({ units: GPT.vocab, kernelInitializer: tfl.initializers.glorotUniform({ seed: 7 }) }));
  return m;
}

/** Greedy generation with TF.js: the whole sequence runs again for every new token. */
export async function tfjsGenerate(tfc, model, prompt, maxNewTokens) {
  const ids = prompt.slice();
  for (let n = 0; n < maxNewTokens; n++) {
    const next = tfc.tidy(() => {
      const y = model.predict(tfc.tensor2d(ids, [1, ids.length], 'int32'));
      return tfc.argMax(tfc.reshape(tfc.slice(y, [0, ids.length - 1, 0], [1, 1, GPT.vocab]), [GPT.vocab]));
    });
    ids.push((await next.data())[0]);
    next.dispose();
  }
  return ids.slice(prompt.length);
}
