/**
 * Edge grid of the elementwise op table tests (tests/elementwise_table.test.ts on js/wasm,
 * the 'table' group of tests/browser/webgpu_kernels on WGSL): specials, huge and tiny
 * magnitudes, and the kinks of the piecewise rows.
 */
export const EDGE_GRID = [
  NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 0.25, -0.25, 0.5, -0.5, 1, -1, 1.5, -1.5,
  2, -2, 2.5, -2.5, 3, -3, 6, -6, 10, -10, 20, -20, 88, -88, 100, -100, 1e6, -1e6, 3e38, -3e38,
];
