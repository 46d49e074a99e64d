/**
 * The webgpu kernel table: kernel name -> function that turns attrs into dispatches. Each shader
 * family contributes its entries from specs/*.ts; a new family (conv, pool, layerNorm,
 * attention, optimizer, lstm_cell) adds a spec file and spreads its table here.
 */
import type { WebGPUKernelTable } from './spec.js';
import { elementwiseKernels } from './specs/elementwise.js';
import { layoutKernels } from './specs/layout.js';
import { matmulKernels } from './specs/matmul.js';
import { reduceKernels } from './specs/reduce.js';
import { convKernels } from './specs/conv.js';
import { poolKernels } from './specs/pool.js';
import { normKernels } from './specs/norm.js';
import { attentionKernels } from './specs/attention.js';
import { optimizerKernels } from './specs/optimizer.js';
import { scanKernels } from './specs/scan.js';
import { scatterKernels } from './specs/scatter.js';
import { conv3dKernels } from './specs/conv3d.js';
import { windowArgmaxKernels } from './specs/window_argmax.js';
import { imageKernels } from './specs/image.js';
import { fusedElementwiseKernels } from './specs/fused_elementwise.js';
import { int8Kernels } from './specs/int8.js';
import { lstmCellKernels } from './specs/lstm_cell.js';

export const webgpuKernels: WebGPUKernelTable = {
  ...elementwiseKernels,
  ...reduceKernels,
  ...matmulKernels,
  ...layoutKernels,
  ...convKernels,
  ...poolKernels,
  ...normKernels,
  ...attentionKernels,
  ...optimizerKernels,
  ...scanKernels,
  ...scatterKernels,
  ...conv3dKernels,
  ...windowArgmaxKernels,
  ...imageKernels,
  ...fusedElementwiseKernels,
  ...int8Kernels,
  ...lstmCellKernels,
};
