// The pass counts the tfjs-core spec run must not fall below, per backend (a ratchet: raise them as specs
// are fixed, never lower them). Measured 2026-12-02: wasm 3760 / 3778 (99.5%), js 3760 / 3778 (99.5%),
// webgpu 3645 / 3697 (98.6%, SwiftShader); the floors sit a few specs below to absorb a flaky statistical
// spec. The target is 97% of the counted specs.
export const MIN_PASSED = { wasm: 3755, js: 3755, webgpu: 3638 };
export const TARGET_PASS_RATE = 0.97;
