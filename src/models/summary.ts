/**
 * model.summary(): the Keras-style table of layers, output shapes and parameter counts.
 */
import type { LayersModel } from './layers_model.js';

export function printSummary(model: LayersModel, printFn: (line: string) => void, lineLength = 65, positions = [0.45, 0.85, 1]): void {
  const cols = positions.map((p) => Math.floor(p * lineLength));
  const row = (cells: string[]) => {
    let line = '';
    cells.forEach((c, i) => {
      line = (line + c).slice(0, cols[i] - 1).padEnd(cols[i]);
    });
    printFn(line.trimEnd());
  };
  const rule = (ch: string) => printFn(ch.repeat(lineLength));
  printFn(`Model: "${model.name}"`);
  rule('_');
  row(['Layer (type)', 'Output shape', 'Param #']);
  rule('=');
  let total = 0;
  let trainable = 0;
  for (const l of model.layers) {
    const node = l.inboundNodes[l.inboundNodes.length - 1];
    const shape = node ? node.outputTensors.map((t) => `[${t.shape.map((d) => (d === null ? 'null' : d)).join(',')}]`).join(' ') : '?';
    const params = l.built ? l.countParams() : 0;
    total += params;
    trainable += l.trainableWeights.reduce((n, w) => n + w.size, 0);
    row([`${l.name} (${l.getClassName()})`, shape, String(params)]);
    rule('_');
  }
  printFn(`Total params: ${total}`);
  printFn(`Trainable params: ${trainable}`);
  printFn(`Non-trainable params: ${total - trainable}`);
  rule('_');
}
