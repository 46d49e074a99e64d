/**
 * Incremental decoding: the attention kernel over a preallocated KV cache (kvStride) against a
 * float64 reference of causal attention written out here; a small GPT (tokenAndPositionEmbedding
 * -> transformerDecoder x2 -> dense) whose cached generation must give exactly the tokens of
 * re-running the whole sequence, greedy and seeded sampling; flat memory while generating;
 * save / load; cross-attention; and the errors. Runs on js and wasm.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { KVCache } from '../src/ops/kv_cache.js';
import type { ModelArtifacts } from '../src/io/types.js';

/** softmax(scale q k^T, causal with the prefix offset) v for one bh, in float64. */
function referenceAttention(q: number[][], k: number[][], v: number[][], scale: number): number[][] {
  const offset = k.length - q.length;
  return q.map((qi, i) => {
    const visible = k.slice(0, i + offset + 1);
    const s = visible.map((kj) => scale * kj.reduce((a, x, d) => a + x * qi[d], 0));
    const m = Math.max(...s);
    const p = s.map((x) => Math.exp(x - m));
    const z = p.reduce((a, b) => a + b, 0);
    return qi.map((_, d) => p.reduce((a, pj, j) => a + pj * v[j][d], 0) / z);
  });
}

function gpt(vocab = 40, seqLen = 24, dim = 32) {
  const model = tf.sequential();
  model.add(tf.layers.tokenAndPositionEmbedding({ vocabularySize: vocab, sequenceLength: seqLen, embeddingDim: dim, inputShape: [null], embeddingsInitializer: tf.initializers.randomNormal({ seed: 3, stddev: 0.5 }) }));
  for (let i = 0; i < 2; i++) model.add(tf.layers.transformerDecoder({ numHeads: 4, intermediateDim: 48, kernelInitializer: tf.initializers.glorotUniform({ seed: 10 + i }) }));
  model.add(tf.layers.dense({ units: vocab, kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }));
  return model;
}

for (const backend of ['js', 'wasm'] as const) {
  describe(`KV-cached generation (${backend})`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
    });

    it('cached attention over a strided cache matches float64 causal attention, prefill then token by token', () => {
      const [B, H, D, P, T, cap] = [2, 3, 5, 4, 3, 9];
      const rand = tf.randomNormal([B, H, P + T, D], 0, 1, 'float32', 11);
      const [q, k, v] = [rand, tf.randomNormal([B, H, P + T, D], 0, 1, 'float32', 12), tf.randomNormal([B, H, P + T, D], 0, 1, 'float32', 13)];
      const rows = (t: tf.Tensor) => t.arraySync() as number[][][][];
      const [qa, ka, va] = [rows(q), rows(k), rows(v)];
      const cache = new KVCache(B, H, cap, D);
      const part = (t: tf.Tensor, s: number, n: number) => tf.slice(t, [0, 0, s, 0], [B, H, n, D]);
      const check = (got: tf.Tensor, s: number, n: number) => {
        const g = rows(got);
        for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) {
          const want = referenceAttention(qa[b][h].slice(s, s + n), ka[b][h].slice(0, s + n), va[b][h].slice(0, s + n), 1 / Math.sqrt(D));
          want.forEach((row, i) => row.forEach((x, d) => expect(Math.abs(g[b][h][i][d] - x), `b${b} h${h} pos ${s + i} d${d}`).toBeLessThan(1e-5)));
        }
      };
      cache.append(part(k, 0, P), part(v, 0, P));
      check(cache.attend(part(q, 0, P)), 0, P);
      for (let s = P; s < P + T; s++) {
        cache.append(part(k, s, 1), part(v, s, 1));
        check(cache.attend(part(q, s, 1)), s, 1);
      }
      expect(cache.length).toBe(P + T);
      expect(() => cache.append(part(k, 0, 3), part(v, 0, 3))).toThrow(/KVCache.append: 7 cached \+ 3 new positions exceed the capacity 9/);
      cache.dispose();
    });

    it('the GPT is causal, and cached generation equals full re-runs (greedy and seeded sampling)', async () => {
      const model = gpt();
      const ids = tf.tensor([[1, 5, 9, 2, 7, 3]], [1, 6], 'int32');
      const y = model.predict(ids) as tf.Tensor;
      expect(y.shape).toEqual([1, 6, 40]);
      const changed = model.predict(tf.tensor([[1, 5, 9, 2, 7, 30]], [1, 6], 'int32')) as tf.Tensor;
      const head = (t: tf.Tensor) => Array.from(tf.slice(t, [0, 0, 0], [1, 5, 40]).dataSync());
      expect(head(changed)).toEqual(head(y)); // the last token cannot change earlier positions
      const prompt = [1, 5, 9, 2];
      const greedyCached = await tf.text.generate(model, prompt, { maxNewTokens: 12, temperature: 0 });
      const greedyFull = await tf.text.generate(model, prompt, { maxNewTokens: 12, temperature: 0, useCache: false });
      expect(greedyCached).toHaveLength(12);
      expect(greedyCached).toEqual(greedyFull);
      const sampling = { maxNewTokens: 12, temperature: 0.9, topK: 12, topP: 0.95, seed: 42 };
      const sampled = await tf.text.generate(model, prompt, sampling);
      expect(await tf.text.generate(model, prompt, { ...sampling, useCache: false })).toEqual(sampled);
      expect(await tf.text.generate(model, prompt, sampling)).toEqual(sampled);
      expect(sampled.every((t) => Number.isInteger(t) && t >= 0 && t < 40)).toBe(true);
    });

    it('memory stays flat while generating and nothing leaks; onToken streams and stopTokens stop', async () => {
      const model = gpt();
      const before = tf.memory().numTensors;
      const counts: number[] = [];
      const streamed: number[] = [];
      const out = await tf.text.generate(model, [3, 4], {
        maxNewTokens: 10, temperature: 0, onToken: (id, i) => {
          streamed.push(id);
          expect(i).toBe(streamed.length - 1);
          counts.push(tf.memory().numTensors);
        },
      });
      expect(streamed).toEqual(out);
      expect(new Set(counts.slice(1)).size).toBe(1); // the same tensors alive after every token
      expect(tf.memory().numTensors).toBe(before);
      const stopAt = out[3];
      const stopped = await tf.text.generate(model, [3, 4], { maxNewTokens: 10, temperature: 0, stopTokens: [stopAt] });
      expect(stopped).toEqual(out.slice(0, out.indexOf(stopAt) + 1));
    });

    it('saves and loads in the Layers format; cross-attention takes an encoder input', async () => {
      const model = gpt();
      const ids = tf.tensor([[2, 4, 6]], [1, 3], 'int32');
      const before = (model.predict(ids) as tf.Tensor).dataSync().slice();
      let art: ModelArtifacts | undefined;
      await model.save(tf.io.withSaveHandler(async (a) => {
        art = a;
        return { modelArtifactsInfo: {} };
      }));
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(art!));
      const after = (loaded.predict(ids) as tf.Tensor).dataSync();
      Array.from(after).forEach((x, i) => expect(Math.abs(x - before[i])).toBeLessThan(1e-6));
      expect(await tf.text.generate(loaded as tf.LayersModel, [2, 4, 6], { maxNewTokens: 5, temperature: 0 })).toEqual(
        await tf.text.generate(model, [2, 4, 6], { maxNewTokens: 5, temperature: 0 }),
      );
      const x = tf.input({ shape: [null, 16] });
      const enc = tf.input({ shape: [null, 16] });
      const dec = tf.layers.transformerDecoder({ numHeads: 2, intermediateDim: 8 });
      const cross = tf.model({ inputs: [x, enc], outputs: dec.apply([x, enc]) as tf.SymbolicTensor });
      const xs = tf.randomNormal([1, 3, 16], 0, 1, 'float32', 1);
      const a = (cross.predict([xs, tf.randomNormal([1, 5, 16], 0, 1, 'float32', 2)]) as tf.Tensor).dataSync();
      const b = (cross.predict([xs, tf.randomNormal([1, 5, 16], 0, 1, 'float32', 3)]) as tf.Tensor).dataSync();
      expect(Array.from(a).some((v, i) => Math.abs(v - b[i]) > 1e-4)).toBe(true); // the encoder input matters
      expect(dec.weights.length).toBe(16 + 8 + 2); // self + cross attention, 3 layer norms, 2 dense layers
    });

    it('refuses prompts past the context and bad options', async () => {
      const model = gpt();
      await expect(tf.text.generate(model, [1, 2, 3], { maxNewTokens: 30 })).rejects.toThrow(/generate: the prompt \(3\) plus maxNewTokens \(30\) is 33 positions; the model embeds at most 24/);
      await expect(tf.text.generate(model, [], {})).rejects.toThrow(/promptIds must be a non-empty array/);
      await expect(tf.text.generate(model, [1], { topP: 0 })).rejects.toThrow(/topP must be in \(0, 1\]/);
      await expect(tf.text.generate(model, [1], { temprature: 1 } as never)).rejects.toThrow(/unrecognized option 'temprature'/);
      expect(() => tf.layers.tokenAndPositionEmbedding({ vocabularySize: 0, sequenceLength: 4, embeddingDim: 2 })).toThrow(/tokenAndPositionEmbedding: vocabularySize must be a positive integer, got 0/);
      expect(() => tf.layers.transformerDecoder({ numHeads: 0, intermediateDim: 4 })).toThrow(/transformerDecoder: numHeads must be a positive integer/);
    });
  });
}
