/**
 * The Layer / LayerVariable surface custom TF.js layers use, with hand-worked values: addWeight with
 * initializer objects and constraint objects, LayerVariable read/write (write applies the constraint),
 * names/shape/dtype/trainable, duplicate weight names refused, setCallHook / invokeCallHook, input/output/
 * outputShape of a called layer, model.optimizer, and a stateful LSTM trained with fit (states carry across
 * batches and resetStates zeroes them).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await ts.setBackend('js');
});

class Scale extends ts.Layer {
  static override className = 'ScaleForApiTest';
  w?: ts.LayerVariable;
  hooked: number[][] = [];
  override build(inputShape: any) {
    const nonNeg = { apply: (t: ts.Tensor) => ts.relu(t) };
    this.w = this.addWeight('w', [inputShape[inputShape.length - 1]], 'float32', ts.initializers.constant({ value: 2 }), null, true, nonNeg);
    this.built = true;
  }
  call(inputs: ts.Tensor | ts.Tensor[], kwargs: any) {
    this.invokeCallHook(inputs, kwargs);
    return ts.mul(Array.isArray(inputs) ? inputs[0] : inputs, this.w!.read());
  }
}

describe('custom layer API', () => {
  it('LayerVariable read / write / metadata and constraints', () => {
    const layer = new Scale({ name: 'scale1' });
    const y = layer.apply(ts.tensor([[1, -2, 3]])) as ts.Tensor;
    expect(Array.from(y.dataSync())).toEqual([2, -4, 6]);
    const w = layer.w!;
    expect([w.name, w.originalName, w.shape, w.dtype, w.trainable]).toEqual(['scale1/w', 'w', [3], 'float32', true]);
    expect(w).toBeInstanceOf(ts.LayerVariable);
    // write() applies the weight's constraint (relu): -1 -> 0
    w.write(ts.tensor([1, -1, 0.5]));
    expect(Array.from(w.read().dataSync())).toEqual([1, 0, 0.5]);
    expect(() => w.write(ts.tensor([1, 2]))).toThrow(/does not match the shape of LayerVariable 'scale1\/w' \[3\]/);
    expect(() => (layer as any).addWeight('w', [1])).toThrow(/Duplicate weight name w/);
  });

  it('call hooks, input / output / outputShape, trainable weights', () => {
    const layer = new Scale({});
    const seen: number[][] = [];
    layer.setCallHook((inputs) => seen.push((inputs as ts.Tensor).shape));
    layer.apply(ts.ones([2, 4]));
    expect(seen).toEqual([[2, 4]]);
    layer.clearCallHook();
    layer.apply(ts.ones([1, 4]));
    expect(seen.length).toBe(1);
    const inp = ts.input({ shape: [4] });
    const out = layer.apply(inp) as ts.SymbolicTensor;
    expect(layer.input).toBe(inp);
    expect(layer.output).toBe(out);
    expect(layer.outputShape).toEqual([null, 4]);
    layer.trainable = false;
    expect(layer.trainableWeights.length).toBe(0);
    expect(layer.nonTrainableWeights.length).toBe(1);
  });

  it('model.optimizer after compile; stateful LSTM keeps its state through fit', async () => {
    const model = ts.sequential({ layers: [ts.layers.lstm({ units: 2, stateful: true, batchInputShape: [2, 3, 1] }), ts.layers.dense({ units: 1 })] });
    expect((model as any).optimizer).toBeUndefined();
    const opt = ts.train.sgd(0.1);
    model.compile({ optimizer: opt, loss: 'meanSquaredError' });
    expect(model.optimizer).toBe(opt);
    const lstm = model.layers[0] as any;
    await model.fit(ts.ones([4, 3, 1]), ts.zeros([4, 1]), { batchSize: 2, epochs: 1, shuffle: false, verbose: 0 });
    const carried = lstm.states.map((s: ts.Tensor) => Array.from(s.dataSync()));
    expect(carried.length).toBe(2);
    expect(carried[0].some((v: number) => v !== 0)).toBe(true);
    // the next predict starts from the carried state, so it differs from a fresh start
    const a = Array.from((model.predict(ts.ones([2, 3, 1])) as ts.Tensor).dataSync());
    model.resetStates();
    expect(lstm.states.every((s: ts.Tensor) => Array.from(s.dataSync()).every((v) => v === 0))).toBe(true);
    const b = Array.from((model.predict(ts.ones([2, 3, 1])) as ts.Tensor).dataSync());
    expect(a).not.toEqual(b);
    expect(() => ts.layers.lstm({ units: 2, stateful: true, inputShape: [3, 1] })).toThrow(/needs to know its batch size/);
  });

  it("a custom layer with TF.js's static fromConfig(cls, config) saves and loads", async () => {
    let calls = 0;
    class Offset extends ts.Layer {
      static override className = 'OffsetForApiTest';
      readonly offset: number;
      constructor(config: any) {
        super(config);
        this.offset = config.offset;
      }
      call(inputs: ts.Tensor | ts.Tensor[]) {
        return ts.add(Array.isArray(inputs) ? inputs[0] : inputs, this.offset);
      }
      override getConfig() {
        return { ...super.getConfig(), offset: this.offset };
      }
      static fromConfig(cls: any, config: any) {
        calls++;
        return new cls(config);
      }
    }
    ts.serialization.registerClass(Offset as any);
    const m = ts.sequential({ layers: [new Offset({ offset: 1.5, inputShape: [2] })] });
    let art: any;
    await m.save(ts.io.withSaveHandler(async (a) => { art = a; return { modelArtifactsInfo: ts.io.getModelArtifactsInfoForJSON(a) }; }));
    const loaded = await ts.loadLayersModel(ts.io.fromMemory(art));
    expect(calls).toBe(1);
    expect(Array.from((loaded.predict(ts.tensor([[1, 2]])) as ts.Tensor).dataSync())).toEqual([2.5, 3.5]);
  });
});
