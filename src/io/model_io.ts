/**
 * Saving and loading LayersModels in the TF.js Layers format (placeholder; the io helper
 * implements it): model.json topology + weightsManifest + binary weight data.
 */
import type { LayersModel } from '../models/layers_model.js';

export interface SaveResult { modelArtifactsInfo: Record<string, unknown>; errors?: unknown[] }
export async function saveModel(model: LayersModel, handlerOrUrl: unknown): Promise<SaveResult> {
  void model; void handlerOrUrl;
  throw new Error('model.save: not implemented yet');
}
