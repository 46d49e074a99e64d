/**
 * Spec and kernels of shaders/lstm_cell.wgsl: the fused LSTM cell and its gradient, one
 * invocation per [batch, units] element (one dispatch per time step each way). A gradient's
 * missing dh or dc binds z in its place.
 */
import source from '../../../../shaders/lstm_cell.wgsl';
import type { TensorInfo } from '../../backend.js';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type KernelContext, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

const FORWARD = [UNIFORM, STORAGE_RO, STORAGE_RO, STORAGE_RW, STORAGE_RW];

export const lstmCellSpec: ShaderSpec = {
  family: 'lstm_cell',
  source,
  params: [['batch', 'u32'], ['units', 'u32'], ['rec_act', 'u32'], ['has_dh', 'u32'], ['has_dc', 'u32']],
  entries: {
    lstm_cell: { bindings: FORWARD, overrides: ['WG'] },
    lstm_cell_grad: { bindings: [...FORWARD, STORAGE_RO, STORAGE_RO], overrides: ['WG'] },
  },
};

const WG = 64;

function check(op: string, ins: TensorInfo[], outs: TensorInfo[], nIn: number, sizes: number[]): void {
  const all = [...ins, ...outs];
  if (ins.length !== nIn || outs.length !== 2 || all.some((t, i) => t.dtype !== 'float32' || t.size !== sizes[i])) {
    const list = (ts: TensorInfo[]) => ts.map((t) => `${t.dtype}[${t.shape}]`).join(', ');
    throw new Error(`webgpu ${op}: expected ${nIn} inputs and 2 outputs, float32 with ${sizes.join(', ')} elements; got inputs ${list(ins)}; outputs ${list(outs)}`);
  }
}

function run(ctx: KernelContext, entry: string, batch: number, units: number, recAct: number, hasDh: boolean, hasDc: boolean, bufs: TensorInfo[]): void {
  const n = batch * units;
  if (n === 0) return;
  ctx.dispatch({
    spec: lstmCellSpec, entry,
    constants: { WG },
    params: { batch, units, rec_act: recAct, has_dh: hasDh ? 1 : 0, has_dc: hasDc ? 1 : 0 },
    buffers: bufs.map((t) => ctx.buffer(t)),
    workgroups: grid1d(Math.ceil(n / WG), ctx.limits.maxWorkgroupsPerDimension),
  });
}

export const lstmCellKernels: WebGPUKernelTable = {
  lstmCell(ctx, ins, outs, a) {
    const n = a.batch * a.units;
    check('lstmCell', ins, outs, 2, [4 * n, n, n, n]);
    const [z, cPrev] = ins;
    run(ctx, 'lstm_cell', a.batch, a.units, a.recAct, false, false, [z, cPrev, outs[0], outs[1]]);
  },
  lstmCellGrad(ctx, ins, outs, a) {
    const n = a.batch * a.units;
    const nIn = 2 + (a.hasDh ? 1 : 0) + (a.hasDc ? 1 : 0);
    check('lstmCellGrad', ins, outs, nIn, [4 * n, ...new Array(nIn - 1).fill(n), 4 * n, n]);
    const [z, cPrev] = ins;
    const dh = a.hasDh ? ins[2] : z;
    const dc = a.hasDc ? ins[nIn - 1] : z;
    run(ctx, 'lstm_cell_grad', a.batch, a.units, a.recAct, a.hasDh, a.hasDc, [z, cPrev, outs[0], outs[1], dh, dc]);
  },
};
