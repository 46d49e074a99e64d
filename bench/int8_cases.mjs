// The int8 benchmark's cases (bench/int8.mjs): shapes timed as float32 and as int8, on the same data.
// Convs are stride 1, 'same' unless `pad` says otherwise.
export const INT8_CASES = [
  { name: 'matMul 256x256x256', kind: 'dense', x: [256, 256], w: [256, 256] },
  { name: 'matMul 512x512x512', kind: 'dense', x: [512, 512], w: [512, 512] },
  { name: 'matMul 1024x1024x1024', kind: 'dense', x: [1024, 1024], w: [1024, 1024] },
  { name: 'matMul 197x768x3072', kind: 'dense', x: [197, 768], w: [768, 3072] },
  { name: 'conv2d [1,56,56,64]x[3,3,64,64] same', kind: 'conv2d', x: [1, 56, 56, 64], w: [3, 3, 64, 64] },
  { name: 'conv2d [1,28,28,32]x[3,3,32,96] same', kind: 'conv2d', x: [1, 28, 28, 32], w: [3, 3, 32, 96] },
  { name: 'conv2d [1,112,112,3]x[3,3,3,32] same', kind: 'conv2d', x: [1, 112, 112, 3], w: [3, 3, 3, 32] },
  // the demo CNN's first conv (one input channel, 4 output channels) on its batch
  { name: 'conv2d [200,28,28,1]x[3,3,1,4] valid', kind: 'conv2d', x: [200, 28, 28, 1], w: [3, 3, 1, 4], pad: 'valid' },
];
