// Fused optimizer update: one Adam / AdamW step over n float32 elements (kernel `adamUpdate`,
// see src/backends/kernels.ts). Four elements per f32x4 iteration, then a scalar tail; every
// operation is a plain IEEE f32 operation in the catalogue's order (no fused multiply-add), so
// the results equal the js reference bit for bit. Constants arrive as f64 and are formed in
// f64 before one rounding to f32, as the composed ops round their number operands.

@inline function at(base: usize, idx: i32): usize { return base + (<usize>idx << 2); }

/**
 * param, grad, m, v -> outParam, outM, outV (n elements each; outputs must not alias inputs).
 * biasCorrection1/2 = 1 - beta^t; weightDecay 0 means plain Adam (w untouched before the step).
 */
export function adamUpdate(
  param: usize, grad: usize, m: usize, v: usize, outParam: usize, outM: usize, outV: usize, n: i32,
  lr: f64, beta1: f64, beta2: f64, epsilon: f64, biasCorrection1: f64, biasCorrection2: f64, weightDecay: f64,
): void {
  const b1 = <f32>beta1, c1 = <f32>(1 - beta1);
  const b2 = <f32>beta2, c2 = <f32>(1 - beta2);
  const bc1 = <f32>biasCorrection1, bc2 = <f32>biasCorrection2;
  const eps = <f32>epsilon, rate = <f32>lr;
  const decay = <f32>(lr * weightDecay);
  const decays = weightDecay != 0;
  const vb1 = f32x4.splat(b1), vc1 = f32x4.splat(c1), vb2 = f32x4.splat(b2), vc2 = f32x4.splat(c2);
  const vbc1 = f32x4.splat(bc1), vbc2 = f32x4.splat(bc2), veps = f32x4.splat(eps), vrate = f32x4.splat(rate);
  const vdecay = f32x4.splat(decay);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const g = v128.load(at(grad, i));
    const m2 = f32x4.add(f32x4.mul(vb1, v128.load(at(m, i))), f32x4.mul(vc1, g));
    const v2 = f32x4.add(f32x4.mul(vb2, v128.load(at(v, i))), f32x4.mul(vc2, f32x4.mul(g, g)));
    const denom = f32x4.add(f32x4.sqrt(f32x4.div(v2, vbc2)), veps);
    const step = f32x4.mul(f32x4.div(f32x4.div(m2, vbc1), denom), vrate);
    let w = v128.load(at(param, i));
    if (decays) w = f32x4.sub(w, f32x4.mul(w, vdecay));
    v128.store(at(outParam, i), f32x4.sub(w, step));
    v128.store(at(outM, i), m2);
    v128.store(at(outV, i), v2);
  }
  for (; i < n; i++) {
    const g = load<f32>(at(grad, i));
    const m2: f32 = b1 * load<f32>(at(m, i)) + c1 * g;
    const v2: f32 = b2 * load<f32>(at(v, i)) + c2 * (g * g);
    const denom: f32 = Mathf.sqrt(v2 / bc2) + eps;
    const step: f32 = ((m2 / bc1) / denom) * rate;
    let w = load<f32>(at(param, i));
    if (decays) w = w - w * decay;
    store<f32>(at(outParam, i), w - step);
    store<f32>(at(outM, i), m2);
    store<f32>(at(outV, i), v2);
  }
}
