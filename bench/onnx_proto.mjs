// A minimal protobuf writer for ONNX ModelProto, so the benchmark can hand onnxruntime-web tiny
// single-op graphs (MatMul, Conv, Softmax, Add, attention) without a protobuf dependency.
// Only the fields the bench needs are written; field numbers are those of onnx/onnx.proto.
// Usage: model({inputs: [['x', [2, 3]]], outputs: [['y', [2, 3]]], nodes: [node('Relu', ['x'], ['y'])]}).

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;

/** A growable byte sink with the three protobuf wire encodings the ONNX schema uses here. */
class Writer {
  constructor() {
    this.parts = [];
  }
  varint(v) {
    // Non-negative integers up to 2^53 (dims, enums, versions); BigInt keeps 64-bit values exact.
    let n = BigInt(v);
    if (n < 0n) n += 1n << 64n; // int64 two's complement, as protobuf encodes negative int64
    const out = [];
    do {
      let byte = Number(n & 0x7fn);
      n >>= 7n;
      if (n) byte |= 0x80;
      out.push(byte);
    } while (n);
    this.parts.push(Uint8Array.from(out));
    return this;
  }
  tag(field, wire) {
    return this.varint((field << 3) | wire);
  }
  int(field, v) {
    return this.tag(field, WIRE_VARINT).varint(v);
  }
  float(field, v) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.tag(field, WIRE_FIXED32);
    this.parts.push(b);
    return this;
  }
  bytes(field, data) {
    this.tag(field, WIRE_BYTES).varint(data.length);
    this.parts.push(data);
    return this;
  }
  string(field, s) {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  message(field, build) {
    const w = new Writer();
    build(w);
    return this.bytes(field, w.finish());
  }
  finish() {
    const total = this.parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** TensorProto.DataType values used here. */
export const DTYPE = { float32: 1, int64: 7 };

/** ValueInfoProto for a tensor of `elemType` (DTYPE) and static `shape`. */
function valueInfo(w, [name, shape, elemType = DTYPE.float32]) {
  w.string(1, name);
  w.message(2, (type) => type.message(1, (tensor) => {
    tensor.int(1, elemType);
    tensor.message(2, (s) => {
      for (const d of shape) s.message(1, (dim) => dim.int(1, d));
    });
  }));
}

/** An initializer: float32 (Float32Array) or int64 (array of numbers) data of `shape`, stored as raw_data. */
export function initializer(name, shape, data) {
  const isFloat = data instanceof Float32Array;
  let raw;
  if (isFloat) raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  else {
    const big = new BigInt64Array(data.length);
    data.forEach((v, i) => (big[i] = BigInt(v)));
    raw = new Uint8Array(big.buffer);
  }
  return { name, shape, dataType: isFloat ? DTYPE.float32 : DTYPE.int64, raw };
}

/** A NodeProto; `attrs` values: integer, float (non-integer number or {float: v}), or integer array. */
export function node(opType, inputs, outputs, attrs = {}, domain = '') {
  return { opType, inputs, outputs, attrs, domain };
}

function attribute(w, name, value) {
  const ATTR = { FLOAT: 1, INT: 2, INTS: 7 };
  w.string(1, name);
  if (Array.isArray(value)) {
    for (const v of value) w.int(8, v);
    w.int(20, ATTR.INTS);
  } else if (typeof value === 'object' || !Number.isInteger(value)) {
    w.float(2, typeof value === 'object' ? value.float : value);
    w.int(20, ATTR.FLOAT);
  } else {
    w.int(3, value);
    w.int(20, ATTR.INT);
  }
}

/** Serialize a ModelProto (IR version 8, default-domain opset `opset`) to bytes for InferenceSession.create. */
export function model({ inputs, outputs, nodes, initializers = [], opset = 17 }) {
  const w = new Writer();
  w.int(1, 8); // ir_version
  w.string(2, 'tessera-bench');
  w.message(7, (g) => {
    nodes.forEach((n, i) => g.message(1, (nw) => {
      for (const x of n.inputs) nw.string(1, x);
      for (const y of n.outputs) nw.string(2, y);
      nw.string(3, `${n.opType}_${i}`);
      nw.string(4, n.opType);
      for (const [k, v] of Object.entries(n.attrs)) nw.message(5, (aw) => attribute(aw, k, v));
      if (n.domain) nw.string(7, n.domain);
    }));
    g.string(2, 'bench');
    for (const t of initializers) g.message(5, (tw) => {
      for (const d of t.shape) tw.int(1, d);
      tw.int(2, t.dataType);
      tw.string(8, t.name);
      tw.bytes(9, t.raw);
    });
    for (const v of inputs) g.message(11, (vw) => valueInfo(vw, v));
    for (const v of outputs) g.message(12, (vw) => valueInfo(vw, v));
  });
  w.message(8, (o) => o.int(2, opset)); // opset_import, default domain
  if (nodes.some((n) => n.domain === 'com.microsoft')) w.message(8, (o) => o.string(1, 'com.microsoft').int(2, 1));
  return w.finish();
}
