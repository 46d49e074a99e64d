/**
 * Keras workflow for LayersModel: compile, fit, fitDataset, evaluate, predict, trainOnBatch.
 * (Placeholder signatures; the training helper implements them.)
 */
import type { Tensor } from '../tensor.js';
import type { LayersModel } from './layers_model.js';

export interface CompiledState { [k: string]: unknown }
export interface CompileArgs { optimizer: unknown; loss: unknown; metrics?: unknown }
export interface FitArgs { [k: string]: unknown }
export interface FitDatasetArgs { [k: string]: unknown }
export interface EvaluateArgs { batchSize?: number; verbose?: number }
export interface PredictArgs { batchSize?: number; verbose?: boolean }
export interface History { history: Record<string, number[]>; epoch: number[] }
export type DatasetLike = unknown;

const todo = (what: string): never => {
  throw new Error(`${what}: not implemented yet`);
};
export function compile(_m: LayersModel, _a: CompileArgs): void { todo('compile'); }
export function fit(_m: LayersModel, _x: Tensor | Tensor[], _y: Tensor | Tensor[], _a: FitArgs): Promise<History> { return todo('fit'); }
export function fitDataset(_m: LayersModel, _d: DatasetLike, _a: FitDatasetArgs): Promise<History> { return todo('fitDataset'); }
export function evaluate(_m: LayersModel, _x: Tensor | Tensor[], _y: Tensor | Tensor[], _a: EvaluateArgs): Tensor | Tensor[] { return todo('evaluate'); }
export function predict(m: LayersModel, x: Tensor | Tensor[], _a: PredictArgs): Tensor | Tensor[] { return m.apply(x); }
export function predictOnBatch(m: LayersModel, x: Tensor | Tensor[]): Tensor | Tensor[] { return m.apply(x); }
export function trainOnBatch(_m: LayersModel, _x: Tensor | Tensor[], _y: Tensor | Tensor[]): Promise<number | number[]> { return todo('trainOnBatch'); }
export function disposeCompiled(_m: LayersModel): void {}
