/**
 * The fused LSTM cell (internal op of the recurrent layers): from the gate preactivations
 * z = x W + h U + b [batch, 4*units] (blocks i, f, c, o) and the previous cell state, one kernel
 * computes c = f*cPrev + i*tanh(zc) and h = o*tanh(c), and one kernel its gradient (dz, dcPrev),
 * instead of four gate slices, the activations and their gradients, and a concat per time step.
 * The activation is tanh; the recurrent activation hardSigmoid (TF.js's default) or sigmoid.
 */
import { ENGINE } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { describe } from './operand.js';

/** Recurrent activations the fused cell computes, by kernel code. */
export const LSTM_REC_ACTS: Record<string, number> = { hardSigmoid: 0, sigmoid: 1 };

/**
 * One LSTM step after the gate preactivations: returns [h, c], both of cPrev's shape [...batch, units]
 * (ConvLSTM2D: [batch, rows, cols, filters]), float32. Gradients flow to z and cPrev.
 */
export function lstmCellStep(z: Tensor, cPrev: Tensor, recurrentActivation: string): [Tensor, Tensor] {
  const op = 'lstmCell';
  z.assertAlive(`${op} (argument 'z')`);
  cPrev.assertAlive(`${op} (argument 'cPrev')`);
  const recAct = LSTM_REC_ACTS[recurrentActivation];
  if (recAct === undefined) {
    throw new Error(`${op}: recurrentActivation must be one of ${Object.keys(LSTM_REC_ACTS).join(', ')}, got '${recurrentActivation}'`);
  }
  if (z.dtype !== 'float32' || cPrev.dtype !== 'float32') {
    throw new Error(`${op}: z and cPrev must be float32, got z ${describe(z)}, cPrev ${describe(cPrev)}`);
  }
  const r = cPrev.rank;
  if (r < 1 || z.rank !== r || z.shape.some((d, i) => d !== (i < r - 1 ? cPrev.shape[i] : 4 * cPrev.shape[i]))) {
    throw new Error(`${op}: expected z [...batch, 4*units] and cPrev [...batch, units], got z ${describe(z)}, cPrev ${describe(cPrev)}`);
  }
  const units = cPrev.shape[r - 1];
  const batch = units === 0 ? 0 : cPrev.size / units;
  const attrs = { batch, units, recAct };
  const [h, c] = ENGINE.noGrad(() => {
    const outs = [ENGINE.makeOutput(cPrev.shape.slice(), 'float32'), ENGINE.makeOutput(cPrev.shape.slice(), 'float32')];
    if (batch * units > 0) ENGINE.runKernel('lstmCell', [z, cPrev], outs, attrs);
    return outs;
  });
  ENGINE.record(op, [z, cPrev], [h, c], ([dh, dc]) => {
    if (!dh && !dc) return [null, null];
    const outs = [ENGINE.makeOutput(z.shape.slice(), 'float32'), ENGINE.makeOutput(cPrev.shape.slice(), 'float32')];
    const ins = [z, cPrev, ...(dh ? [dh] : []), ...(dc ? [dc] : [])];
    if (batch * units > 0) ENGINE.runKernel('lstmCellGrad', ins, outs, { ...attrs, hasDh: !!dh, hasDc: !!dc });
    ENGINE.recordKernel('lstmCellGrad', ins, outs);
    return outs;
  });
  return [h, c];
}
