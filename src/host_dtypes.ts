/**
 * The two dtypes no backend kernel ever sees, and how the engine runs kernels on them.
 *
 * - 'string': the values stay on the host as UTF-8 bytes (`DataRecord.strings`, backendName
 *   'host'), on every backend, so setBackend never moves them. Layout kernels (copyStrided for
 *   slice/tile/transpose/reverse/broadcastTo, copyInto for concat, gather) run once on a private
 *   js backend over element *indices* (int32 0..n-1 standing for the strings); the output indices
 *   then pick the strings. So every layout op works on strings with no string code in any op or
 *   backend. Comparisons (equal ... lessEqual) compare bytes here, with the binary kernel's strides;
 *   string casts follow TF.js (string <-> string only).
 * - 'complex64': a pair of float32 records (`DataRecord.parts`) on the active backend, as TF.js
 *   keeps a pair. Layout kernels and add / sub / neg run the ordinary kernel once per part;
 *   mul / div / abs and casts compose ordinary float32 kernels into temporaries.
 *
 * Anything else on these dtypes is refused with an Error naming the kernel.
 */
import type { DataId, DType, StorageArray, TensorInfo } from './backends/backend.js';
import { Binary, Unary, type KernelAttrs, type KernelName } from './backends/kernels.js';
import { JsBackend } from './backends/js/backend.js';
import type { Engine } from './engine.js';
import type { DataRecord, Tensor } from './tensor.js';

/** backendName of records that no backend holds (strings, and the complex64 pair itself). */
export const HOST = 'host';

export function isHostDtype(dtype: DType): boolean {
  return dtype === 'string' || dtype === 'complex64';
}

/** [re0, im0, re1, im1, ...] from the two parts (TF.js's complex64 `data()` layout). */
export function interleave(re: StorageArray, im: StorageArray): Float32Array {
  const out = new Float32Array(re.length * 2);
  for (let i = 0; i < re.length; i++) {
    out[2 * i] = re[i];
    out[2 * i + 1] = im[i];
  }
  return out;
}

/** Bytes held for memory(): a string's UTF-8 length summed (as TF.js), 8 per complex value. */
export function hostRecordBytes(rec: DataRecord): number | undefined {
  if (rec.strings) return rec.strings.reduce((n, b) => n + b.length, 0);
  if (rec.parts) return rec.size * 8;
  return undefined;
}

/** Kernels that only move elements: x is input 0, any other input is numeric (gather's indices). */
const MOVES = new Set<KernelName>(['copyStrided', 'copyInto', 'gather']);

function describe(ts: Tensor[]): string {
  return ts.map((t) => `[${t.shape}] ${t.dtype}`).join(', ');
}

export function runWithHostDtypes<K extends KernelName>(engine: Engine, kernel: K, inputs: Tensor[], outputs: Tensor[], attrs: KernelAttrs[K]): void {
  if ([...inputs, ...outputs].some((t) => t.dtype === 'string')) runOnStrings(engine, kernel, inputs, outputs, attrs);
  else runOnComplex(engine, kernel, inputs, outputs, attrs);
}

// ---- strings -------------------------------------------------------------------------------

let indexBackend: JsBackend | null = null;

function runOnStrings<K extends KernelName>(engine: Engine, kernel: K, inputs: Tensor[], outputs: Tensor[], attrs: KernelAttrs[K]): void {
  const out = outputs[0];
  const allStrings = inputs.every((t) => t.dtype === 'string');
  if (kernel === 'binary' && allStrings && out.dtype === 'bool') {
    const a = attrs as KernelAttrs['binary'];
    if (a.op in STRING_COMPARE) return compareStrings(engine, inputs[0], inputs[1], out, a);
  }
  const isCast = kernel === 'unary' && (attrs as KernelAttrs['unary']).op === Unary.identity;
  // TF.js's cast wording, for a string cast to a number or the reverse
  if (isCast && allStrings !== (out.dtype === 'string')) throw new Error('Only strings can be casted to strings');
  if (isCast && allStrings) {
    out.record.strings!.splice(0, out.size, ...inputs[0].record.strings!.slice(0, out.size));
    return;
  }
  if (!MOVES.has(kernel) || out.dtype !== 'string' || inputs[0].dtype !== 'string') {
    throw new Error(`${kernel} kernel: string tensors only support layout ops (reshape, slice, gather, concat, tile, ...) and comparisons; got inputs ${describe(inputs)} -> ${describe(outputs)}`);
  }
  // Move indices instead of strings on the host js backend, then pick the strings.
  const hb = (indexBackend ??= new JsBackend());
  const temps: DataId[] = [];
  const toHost = (values: Int32Array, t: Tensor): TensorInfo => {
    const id = hb.allocate(values.length, 'int32');
    temps.push(id);
    if (values.length > 0) hb.write(id, values);
    return { dataId: id, shape: t.shape, dtype: 'int32', size: t.size };
  };
  try {
    const infos = inputs.map((t) =>
      toHost(t.dtype === 'string' ? Int32Array.from({ length: t.size }, (_, k) => k) : Int32Array.from(readIndices(engine, kernel, t)), t),
    );
    const outInfo = toHost(new Int32Array(out.size).fill(-1), out);
    hb.run(kernel, infos, [outInfo], attrs);
    const picked = hb.readSync(outInfo.dataId);
    const src = inputs[0].record.strings!;
    const dst = out.record.strings!;
    for (let i = 0; i < out.size; i++) if (picked[i] >= 0) dst[i] = src[picked[i]];
  } finally {
    for (const id of temps) hb.free(id);
  }
}

/** A numeric operand (gather's indices) read on the host; webgpu cannot read synchronously. */
function readIndices(engine: Engine, kernel: string, t: Tensor): StorageArray {
  try {
    return engine.readRecordSync(t.record);
  } catch (e) {
    throw new Error(`${kernel} on a string tensor reads its indices [${t.shape}] on the host, which the '${t.record.backendName}' backend cannot do synchronously (${(e as Error).message})`);
  }
}

/** Sign of a - b in byte order (UTF-8 byte order is code-point order). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Comparison kernels strings take (TF.js compares strings too), by op code. */
const STRING_COMPARE: Record<number, (order: number) => boolean> = {
  [Binary.equal]: (c) => c === 0,
  [Binary.notEqual]: (c) => c !== 0,
  [Binary.greater]: (c) => c > 0,
  [Binary.greaterEqual]: (c) => c >= 0,
  [Binary.less]: (c) => c < 0,
  [Binary.lessEqual]: (c) => c <= 0,
};

/** A comparison over the binary kernel's (collapsed) shape and broadcast strides. */
function compareStrings(engine: Engine, a: Tensor, b: Tensor, out: Tensor, attrs: KernelAttrs['binary']): void {
  const sa = a.record.strings!;
  const sb = b.record.strings!;
  const shape = attrs.outShape;
  const result = new Int32Array(out.size);
  const idx = new Array<number>(shape.length).fill(0);
  const test = STRING_COMPARE[attrs.op];
  for (let i = 0; i < out.size; i++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < shape.length; d++) {
      ia += idx[d] * attrs.aStrides[d];
      ib += idx[d] * attrs.bStrides[d];
    }
    result[i] = test(compareBytes(sa[ia], sb[ib])) ? 1 : 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  engine.backend.write(out.record.dataId, result);
}

// ---- complex64 -----------------------------------------------------------------------------

/** One float32 operand of a kernel: what the kernel sees, and the record to keep current. */
interface Part {
  info: TensorInfo;
  rec: DataRecord;
}

/** Temporary float32 records for one composed kernel run, freed together. */
class Scratch {
  private recs: DataRecord[] = [];
  constructor(private engine: Engine) {}
  part(shape: number[], size: number, values?: Float32Array): Part {
    const rec = this.engine.allocRecord(size, values);
    this.recs.push(rec);
    return { info: { dataId: rec.dataId, shape, dtype: 'float32', size }, rec };
  }
  free(): void {
    for (const r of this.recs) this.engine.releaseRecord(r);
  }
}

function partOf(rec: DataRecord, t: Tensor): Part {
  return { info: { dataId: rec.dataId, shape: t.shape, dtype: 'float32', size: t.size }, rec };
}

function plainPart(t: Tensor): Part {
  return { info: { dataId: t.record.dataId, shape: t.shape, dtype: t.dtype, size: t.size }, rec: t.record };
}

/** The (re, im) parts of t; a real tensor is promoted (as float32, imaginary part zero). */
function complexParts(engine: Engine, t: Tensor, scratch: Scratch): [Part, Part] {
  if (t.record.parts) return [partOf(t.record.parts.real, t), partOf(t.record.parts.imag, t)];
  if (t.dtype === 'string') throw new Error(`complex64: cannot combine a string tensor [${t.shape}] with complex64`);
  let re = plainPart(t);
  if (t.dtype !== 'float32') {
    const f = scratch.part(t.shape, t.size);
    run(engine, 'unary', [re], [f], { op: Unary.identity, alpha: 0, beta: 0 });
    re = f;
  }
  return [re, scratch.part(t.shape, t.size, new Float32Array(t.size))];
}

function run<K extends KernelName>(engine: Engine, kernel: K, ins: Part[], outs: Part[], attrs: KernelAttrs[K]): void {
  engine.runOnRecords(kernel, ins.map((p) => ({ ...p.info, dataId: p.rec.dataId })), outs.map((p) => ({ ...p.info, dataId: p.rec.dataId })), attrs, ins.map((p) => p.rec));
}

function runOnComplex<K extends KernelName>(engine: Engine, kernel: K, inputs: Tensor[], outputs: Tensor[], attrs: KernelAttrs[K]): void {
  const out = outputs[0];
  const scratch = new Scratch(engine);
  try {
    const outParts = out.dtype === 'complex64' ? complexParts(engine, out, scratch) : null;
    if (MOVES.has(kernel) || kernel === 'pad') {
      if (!outParts || inputs[0].dtype !== 'complex64') throw unsupported(kernel, inputs, outputs);
      const [re, im] = complexParts(engine, inputs[0], scratch);
      const rest = inputs.slice(1).map(plainPart);
      run(engine, kernel, [re, ...rest], [outParts[0]], attrs);
      const imAttrs = kernel === 'pad' ? { ...(attrs as KernelAttrs['pad']), value: 0 } : attrs;
      run(engine, kernel, [im, ...rest], [outParts[1]], imAttrs as KernelAttrs[K]);
      return;
    }
    if (kernel === 'unary') return complexUnary(engine, inputs[0], out, outParts, attrs as KernelAttrs['unary'], scratch);
    if (kernel === 'binary' && outParts) return complexBinary(engine, inputs, out, outParts, attrs as KernelAttrs['binary'], scratch);
    throw unsupported(kernel, inputs, outputs);
  } finally {
    scratch.free();
  }
}

function unsupported(kernel: string, inputs: Tensor[], outputs: Tensor[]): Error {
  return new Error(`${kernel} kernel: not supported for complex64 tensors (inputs ${describe(inputs)} -> ${describe(outputs)})`);
}

const unaryAttrs = (op: number) => ({ op, alpha: 0, beta: 0 });

function complexUnary(engine: Engine, x: Tensor, out: Tensor, outParts: [Part, Part] | null, attrs: KernelAttrs['unary'], scratch: Scratch): void {
  const [re, im] = complexParts(engine, x, scratch);
  if (attrs.op === Unary.identity && outParts) {
    // cast to complex64 (or complex64 -> complex64): copy both parts
    run(engine, 'unary', [re], [outParts[0]], attrs);
    run(engine, 'unary', [im], [outParts[1]], attrs);
  } else if (attrs.op === Unary.identity) {
    // complex64 -> real dtype keeps the real part (TF.js cast)
    run(engine, 'unary', [re], [plainPart(out)], attrs);
  } else if (attrs.op === Unary.neg && outParts) {
    run(engine, 'unary', [re], [outParts[0]], attrs);
    run(engine, 'unary', [im], [outParts[1]], attrs);
  } else if (attrs.op === Unary.abs && out.dtype === 'float32') {
    // |z| = hypot(re, im) = big * sqrt(1 + (small / big)^2): no square underflows (1e-30) or
    // overflows; big = 0 gives 0 (divNoNan), NaN propagates through maximum
    const n = x.size;
    const flat = (op: number, bStride = 1) => ({ op, outShape: [n], aStrides: [1], bStrides: [bStride] });
    const [ar, ai, big, small, ratio, sq, onePlus] = Array.from({ length: 7 }, () => scratch.part(x.shape, n));
    const one = scratch.part([1], 1, Float32Array.of(1));
    run(engine, 'unary', [re], [ar], unaryAttrs(Unary.abs));
    run(engine, 'unary', [im], [ai], unaryAttrs(Unary.abs));
    run(engine, 'binary', [ar, ai], [big], flat(Binary.maximum));
    run(engine, 'binary', [ar, ai], [small], flat(Binary.minimum));
    run(engine, 'binary', [small, big], [ratio], flat(Binary.divNoNan));
    run(engine, 'unary', [ratio], [sq], unaryAttrs(Unary.square));
    run(engine, 'binary', [sq, one], [onePlus], flat(Binary.add, 0));
    run(engine, 'unary', [onePlus], [ratio], unaryAttrs(Unary.sqrt));
    run(engine, 'binary', [big, ratio], [plainPart(out)], flat(Binary.mul));
  } else {
    const name = Object.entries(Unary).find(([, code]) => code === attrs.op)?.[0] ?? attrs.op;
    throw new Error(`${name}: not supported for complex64 tensors (shape [${x.shape}])`);
  }
}

function complexBinary(engine: Engine, inputs: Tensor[], out: Tensor, outParts: [Part, Part], attrs: KernelAttrs['binary'], scratch: Scratch): void {
  const [ar, ai] = complexParts(engine, inputs[0], scratch);
  const [br, bi] = complexParts(engine, inputs[1], scratch);
  const strided = (op: number) => ({ op, outShape: attrs.outShape, aStrides: attrs.aStrides, bStrides: attrs.bStrides });
  const dense = (op: number) => ({ op, outShape: [out.size], aStrides: [1], bStrides: [1] });
  const tmp = () => scratch.part(out.shape, out.size);
  const [or, oi] = outParts;
  switch (attrs.op) {
    case Binary.add:
    case Binary.sub:
      run(engine, 'binary', [ar, br], [or], strided(attrs.op));
      run(engine, 'binary', [ai, bi], [oi], strided(attrs.op));
      return;
    case Binary.mul: {
      // (ar + i ai)(br + i bi) = (ar br - ai bi) + i (ar bi + ai br)
      const t1 = tmp(), t2 = tmp();
      run(engine, 'binary', [ar, br], [t1], strided(Binary.mul));
      run(engine, 'binary', [ai, bi], [t2], strided(Binary.mul));
      run(engine, 'binary', [t1, t2], [or], dense(Binary.sub));
      run(engine, 'binary', [ar, bi], [t1], strided(Binary.mul));
      run(engine, 'binary', [ai, br], [t2], strided(Binary.mul));
      run(engine, 'binary', [t1, t2], [oi], dense(Binary.add));
      return;
    }
    case Binary.div: {
      // (ar + i ai) / (br + i bi) = ((ar br + ai bi) + i (ai br - ar bi)) / (br^2 + bi^2)
      // (no kernel reads and writes the same buffer: webgpu forbids that aliasing)
      const den = tmp(), num = tmp(), t1 = tmp(), t2 = tmp();
      run(engine, 'binary', [br, br], [t1], { ...strided(Binary.mul), aStrides: attrs.bStrides });
      run(engine, 'binary', [bi, bi], [t2], { ...strided(Binary.mul), aStrides: attrs.bStrides });
      run(engine, 'binary', [t1, t2], [den], dense(Binary.add));
      run(engine, 'binary', [ar, br], [t1], strided(Binary.mul));
      run(engine, 'binary', [ai, bi], [t2], strided(Binary.mul));
      run(engine, 'binary', [t1, t2], [num], dense(Binary.add));
      run(engine, 'binary', [num, den], [or], dense(Binary.div));
      run(engine, 'binary', [ai, br], [t1], strided(Binary.mul));
      run(engine, 'binary', [ar, bi], [t2], strided(Binary.mul));
      run(engine, 'binary', [t1, t2], [num], dense(Binary.sub));
      run(engine, 'binary', [num, den], [oi], dense(Binary.div));
      return;
    }
    default: {
      const name = Object.entries(Binary).find(([, code]) => code === attrs.op)?.[0] ?? attrs.op;
      throw new Error(`${name}: not supported for complex64 tensors (shapes [${inputs[0].shape}] and [${inputs[1].shape}])`);
    }
  }
}
