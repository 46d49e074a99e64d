/**
 * model.summary(): TF.js's table of layers with input shapes, output shapes and parameter counts (and,
 * for models that are not a plain chain, the layers each one receives inputs from), laid out as TF.js
 * does: columns end at `positions` (fractions of `lineLength` when the last one is <= 1).
 */
import type { LayerNode, Layer } from '../layers/layer.js';
import type { LayersModel } from './layers_model.js';

/** One row: each field starts one character after the previous column's text and is cut at its column end. */
function formatRow(fields: string[], ends: number[]): string {
  let line = '';
  fields.forEach((field, i) => {
    if (i > 0) line = `${line.slice(0, -1)} `;
    line = (line + field).slice(0, ends[i]);
    line += ' '.repeat(Math.max(0, ends[i] - line.length));
  });
  return line;
}

/** A chain: one node per depth, none with several inputs, and no layer used twice (TF.js's test). */
function isSequentialLike(model: LayersModel): boolean {
  const perDepth = new Map<number, LayerNode[]>();
  for (const [node, depth] of model.graphNodeDepths) perDepth.set(depth, [...(perDepth.get(depth) ?? []), node]);
  for (const nodes of perDepth.values()) if (nodes.length > 1 || nodes[0].inboundTensors.length > 1) return false;
  return model.layers.every((l) => l.inboundNodes.filter((n) => model.graphNodeDepths.has(n)).length <= 1);
}

function shapeText(f: () => unknown): string {
  try {
    return JSON.stringify(f());
  } catch {
    return 'multiple';
  }
}

/** "name[nodeIndex][tensorIndex]" for each input of the layer's nodes that belong to the model. */
function connections(model: LayersModel, layer: Layer): string[] {
  const out: string[] = [];
  for (const node of layer.inboundNodes) {
    if (!model.graphNodeDepths.has(node)) continue;
    for (const t of node.inboundTensors) out.push(`${t.sourceLayer.name}[${t.nodeIndex}][${t.tensorIndex}]`);
  }
  return out;
}

export function printSummary(model: LayersModel, printFn: (line: string) => void, lineLength?: number, positions?: number[]): void {
  if (!model.built || model.graphNodeDepths.size === 0) {
    throw new Error('This model has never been called, thus its weights have not been created yet. So no summary can be displayed. Build the model first (e.g., by calling it on some test data).');
  }
  const chain = isSequentialLike(model);
  const width = lineLength || (chain ? 90 : 115);
  let ends = positions || (chain ? [0.32, 0.61, 0.89, 1] : [0.24, 0.48, 0.7, 0.8, 1]);
  if (ends[ends.length - 1] <= 1) ends = ends.map((p) => Math.floor(width * p));
  const header = ['Layer (type)', 'Input Shape', 'Output shape', 'Param #', ...(chain ? [] : ['Receives inputs'])];
  printFn('_'.repeat(width));
  printFn(formatRow(header, ends));
  printFn('='.repeat(width));
  model.layers.forEach((layer, i) => {
    const inputShape = layer.inboundNodes.map((n) => JSON.stringify(inboundShapes(n))).join(',');
    const fields = [`${layer.name} (${layer.getClassName()})`, inputShape, shapeText(() => layer.outputShape), String(layer.countParams())];
    if (chain) printFn(formatRow(fields, ends));
    else {
      const from = connections(model, layer);
      printFn(formatRow([...fields, from[0] ?? ''], ends));
      for (const c of from.slice(1)) printFn(formatRow(['', '', '', '', c], ends));
    }
    printFn((i === model.layers.length - 1 ? '=' : '_').repeat(width));
  });
  const trainable = model.trainableWeights.reduce((n, w) => n + w.size, 0);
  const nonTrainable = model.nonTrainableWeights.reduce((n, w) => n + w.size, 0);
  printFn(`Total params: ${trainable + nonTrainable}`);
  printFn(`Trainable params: ${trainable}`);
  printFn(`Non-trainable params: ${nonTrainable}`);
  printFn('_'.repeat(width));
}

/** The shapes a node received (an input layer's node: its own output shape). */
function inboundShapes(node: LayerNode): unknown[] {
  const tensors = node.inboundTensors.length ? node.inboundTensors : node.outputTensors;
  return tensors.map((t) => t.shape);
}
