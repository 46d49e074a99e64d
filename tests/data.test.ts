/**
 * tf.data: sources and transforms with hand-worked element lists, seeded shuffles that are permutations,
 * CSV parsing (header, quoted fields, label columns, data: URL through util.fetch), and a CSV pipeline
 * (csv -> map -> batch) feeding fitDataset, which must train exactly like fit() on the same tensors
 * (same batches, no shuffling).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ts from '../src/index.js';

beforeAll(async () => {
  await ts.setBackend('js');
});

const values = async (d: ts.data.Dataset<unknown>) => (await d.toArray()).map((v) => (v instanceof ts.Tensor ? v.arraySync() : v));

describe('tf.data', () => {
  it('array, map, filter, take, skip, repeat, concatenate, prefetch', async () => {
    const d = ts.data.array([1, 2, 3, 4, 5]);
    expect(d.size).toBe(5);
    expect(await d.map((x) => x * 10).toArray()).toEqual([10, 20, 30, 40, 50]);
    expect(await d.filter((x) => x % 2 === 1).toArray()).toEqual([1, 3, 5]);
    expect(await d.skip(1).take(3).toArray()).toEqual([2, 3, 4]);
    expect(await d.take(2).repeat(3).toArray()).toEqual([1, 2, 1, 2, 1, 2]);
    expect(await d.take(1).concatenate(ts.data.array([9])).toArray()).toEqual([1, 9]);
    expect(await d.prefetch(3).toArray()).toEqual([1, 2, 3, 4, 5]);
    // a dataset is a recipe: every pass starts over
    expect(await d.toArray()).toEqual(await d.toArray());
  });

  it('batch stacks numbers, arrays, tensors and objects', async () => {
    const d = ts.data.array([{ xs: [1, 2], ys: 0 }, { xs: [3, 4], ys: 1 }, { xs: [5, 6], ys: 0 }]);
    const batches = await d.batch(2).toArray() as { xs: ts.Tensor; ys: ts.Tensor }[];
    expect(batches.length).toBe(2);
    expect(batches[0].xs.arraySync()).toEqual([[1, 2], [3, 4]]);
    expect(batches[0].ys.arraySync()).toEqual([0, 1]);
    expect(batches[1].xs.shape).toEqual([1, 2]);
    expect((await d.batch(2, false).toArray()).length).toBe(1);
    const t = await values(ts.data.array([ts.tensor([1, 2]), ts.tensor([3, 4])]).batch(2));
    expect(t).toEqual([[[1, 2], [3, 4]]]);
  });

  it('shuffle: seeded, a permutation, reshuffled each pass', async () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const d = ts.data.array(items).shuffle(100, 42);
    const a = await d.toArray();
    const b = await d.toArray();
    expect(a.slice().sort((p, q) => p - q)).toEqual(items);
    expect(a).not.toEqual(items);
    expect(b).not.toEqual(a);
    expect(await ts.data.array(items).shuffle(100, 42).toArray()).toEqual(a);
    // a buffer of 1 keeps the order
    expect(await ts.data.array(items).shuffle(1).toArray()).toEqual(items);
  });

  it('generator and zip', async () => {
    const g = ts.data.generator(function* () {
      for (let i = 0; i < 3; i++) yield i * i;
    });
    expect(await g.toArray()).toEqual([0, 1, 4]);
    const z = ts.data.zip({ a: ts.data.array([1, 2, 3]), b: g });
    expect(await z.toArray()).toEqual([{ a: 1, b: 0 }, { a: 2, b: 1 }, { a: 3, b: 4 }]);
    expect(await ts.data.zip([ts.data.array([1, 2]), ts.data.array(['x'])]).toArray()).toEqual([[1, 'x']]);
  });

  it('csv: header, quotes, label columns, data: URL', async () => {
    const text = 'a,b,name,label\n1,2.5,"x, y",0\n3,-1,"say ""hi""",1\n';
    const rows = await ts.data.csvFromText(text).toArray();
    expect(rows).toEqual([{ a: 1, b: 2.5, name: 'x, y', label: 0 }, { a: 3, b: -1, name: 'say "hi"', label: 1 }]);
    const labelled = ts.data.csv(`data:text/csv,${encodeURIComponent(text)}`, { columnConfigs: { label: { isLabel: true } }, configuredColumnsOnly: false });
    expect(await labelled.toArray()).toEqual([
      { xs: { a: 1, b: 2.5, name: 'x, y' }, ys: { label: 0 } },
      { xs: { a: 3, b: -1, name: 'say "hi"' }, ys: { label: 1 } },
    ]);
    await expect(ts.data.csvFromText('a,b\n1\n').toArray()).rejects.toThrow(/line 2 has 1 fields, expected 2/);
  });

  it('csv -> map -> batch feeds fitDataset exactly like fit on the same tensors', async () => {
    const n = 12;
    const lines = ['x1,x2,y'];
    const X: number[][] = [];
    const Y: number[] = [];
    for (let i = 0; i < n; i++) {
      const x1 = Math.sin(i), x2 = Math.cos(2 * i), y = 0.5 * x1 - x2;
      lines.push(`${x1},${x2},${y}`);
      X.push([x1, x2]);
      Y.push(y);
    }
    const make = () => {
      const m = ts.sequential({ layers: [ts.layers.dense({ units: 1, inputShape: [2] })] });
      m.setWeights([ts.tensor([[0.1], [-0.2]]), ts.tensor([0.05])]);
      m.compile({ optimizer: ts.train.sgd(0.1), loss: 'meanSquaredError' });
      return m;
    };
    const ds = ts.data.csvFromText(lines.join('\n'), { columnConfigs: { y: { isLabel: true } } })
      .map((e: any) => ({ xs: Object.values(e.xs) as number[], ys: Object.values(e.ys) as number[] }))
      .batch(4);
    const a = make();
    const ha = await a.fitDataset(ds, { epochs: 3, verbose: 0 });
    const b = make();
    const hb = await b.fit(ts.tensor(X), ts.tensor(Y, [n, 1]), { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    expect(ha.history.loss).toEqual(hb.history.loss);
    a.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(b.getWeights()[i].dataSync())));
  });
});
