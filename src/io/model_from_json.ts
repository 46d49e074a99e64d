/**
 * The `models` namespace (TF.js `tf.models.modelFromJSON`): build a model from a Keras/TF.js topology
 * (a model.json's `modelTopology`, or the topology object itself), and when a weights manifest is
 * given, fetch the weight files under `pathPrefix` and assign them by name, as loadLayersModel does.
 */
import type { LayersModel } from '../models/layers_model.js';
import { getLayerClass, registerLayer, type LayerClass } from '../layers/serialization.js';
import type { WeightsManifestEntry } from './types.js';
import { loadWeights } from './weights_loader.js';
import type { DecodedWeight } from './weights.js';

/**
 * The argument of `tf.models.modelFromJSON`: the model topology and optional weights.
 */
export interface ModelAndWeightsConfig {
  modelTopology: unknown;
  weightsManifest?: WeightsManifestEntry[];
  pathPrefix?: string;
}

/**
 * TF.js `models.modelFromJSON(modelAndWeightsConfig, customObjects?)`.
 * @example
 * ```js
 * const model = await tf.models.modelFromJSON({ modelTopology: json });
 * ```
 */
export async function modelFromJSON(
  modelAndWeightsConfig: ModelAndWeightsConfig | Record<string, unknown>, customObjects?: Record<string, LayerClass>,
): Promise<LayersModel> {
  if (modelAndWeightsConfig == null || typeof modelAndWeightsConfig !== 'object') {
    throw new Error(`modelFromJSON: expected a model topology or {modelTopology, weightsManifest?, pathPrefix?}, got ${modelAndWeightsConfig === null ? 'null' : typeof modelAndWeightsConfig}`);
  }
  const config = ('modelTopology' in modelAndWeightsConfig ? modelAndWeightsConfig : { modelTopology: modelAndWeightsConfig }) as ModelAndWeightsConfig;
  // Custom layer classes by class name: registered (process-wide) unless a class of that name is known.
  for (const [name, cls] of Object.entries(customObjects ?? {})) if (!getLayerClass(name)) registerLayer(cls, name);
  // topology.ts and the weight assignment load with the async-only modules (topology.ts would be an import cycle)
  const { modelFromTopology, setModelWeights } = await import('../async_parts.js');
  const model = modelFromTopology(config.modelTopology);
  if (config.weightsManifest != null) {
    const specs = config.weightsManifest.flatMap((g) => g.weights);
    const values = await loadWeights(config.weightsManifest, config.pathPrefix ?? '');
    try {
      const decoded: DecodedWeight[] = specs.filter((s) => values[s.name]).map((spec) => {
        const t = values[spec.name];
        return { spec, dtype: t.dtype as DecodedWeight['dtype'], values: t.dataSync() as DecodedWeight['values'] };
      });
      setModelWeights(model, decoded);
    } catch (e) {
      model.dispose();
      throw e;
    } finally {
      for (const t of Object.values(values)) t.dispose();
    }
  }
  return model;
}
