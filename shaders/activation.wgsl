// Fused epilogue activations shared by matmul (and later conv): the Activation codes of
// src/backends/kernels.ts. `act` is an override constant at every call site, so the switch folds.
#include "math.wgsl"

fn apply_activation(act: u32, x: f32, alpha: f32, prelu_weight: f32) -> f32 {
  switch act {
    case 1u: { // relu
      if (is_nan_f32(x)) { return x; }
      return max(x, 0.0f);
    }
    case 2u: { // relu6
      if (is_nan_f32(x)) { return x; }
      return min(max(x, 0.0f), 6.0f);
    }
    case 3u: { return select(x, expm1_f32(x), x < 0.0f); } // elu
    case 4u: { return select(x, alpha * x, x < 0.0f); } // leakyrelu
    case 5u: { return select(x, prelu_weight * x, x < 0.0f); } // prelu
    case 6u: { return sigmoid_f32(x); }
    case 7u: { return tanh_f32(x); }
    case 8u: { return gelu_f32(x); }
    default: { return x; } // linear
  }
}
