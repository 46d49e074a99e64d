// The pass counts the tfjs-core spec run must not fall below, per backend (a ratchet: raise them as specs
// are fixed, never lower them). Measured 2026-12-02: wasm 3760 / 3778 (99.5%), js 3760 / 3778 (99.5%),
// webgpu 3645 / 3697 (98.6%, SwiftShader); the floors sit a few specs below to absorb a flaky statistical
// spec. The target is 97% of the counted specs. io-audit (same day): io/io_utils_test,
// io/composite_array_buffer_test, device_util_test, environment_test, ops/operation_test and types_test now
// run: wasm 3824 / 3841, js 3824 / 3841 (webgpu not re-measured). After tf.test_util and the
// seeded-random parity (same day): wasm 3834 / 3841, js 3834 / 3841, webgpu 3721 / 3762 (98.9%).
export const MIN_PASSED = { wasm: 3829, js: 3829, webgpu: 3714 };
export const TARGET_PASS_RATE = 0.97;
