/**
 * Types of the TF.js Layers model format: the in-memory artifacts a handler saves or loads,
 * the model.json layout with its weights manifest, and the IOHandler interface (save/load).
 */

/** Dtypes a weight may have in a saved model (strings and complex64 are not supported). */
export type WeightDType = 'float32' | 'int32' | 'bool';

/** Describes one weight inside the concatenated weight data. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: WeightDType | string;
  /** 'model' (default) or 'optimizer'. */
  group?: string;
  /** Weights stored quantized by the TF.js converter: value = q * scale + min (or float16). */
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16' | string; scale?: number; min?: number; original_dtype?: string };
}

/** One group of shard files in model.json and the weights stored in them, in order. */
export interface WeightsManifestEntry {
  paths: string[];
  weights: WeightSpec[];
}

/** Weight bytes: one buffer, or a list of shards concatenated in order. */
export type WeightData = ArrayBuffer | ArrayBuffer[];

/** Everything a model save produces / a model load needs. */
export interface ModelArtifacts {
  modelTopology?: Record<string, unknown> | ArrayBuffer;
  weightSpecs?: WeightSpec[];
  weightData?: WeightData;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: Record<string, unknown>;
  userDefinedMetadata?: Record<string, unknown>;
  /** Graph-model fields TF.js carries through model.json unchanged. */
  signature?: Record<string, unknown>;
  modelInitializer?: Record<string, unknown>;
  initializerSignature?: Record<string, unknown>;
}

/** The model.json file. */
export interface ModelJSON {
  modelTopology: Record<string, unknown>;
  weightsManifest: WeightsManifestEntry[];
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  trainingConfig?: Record<string, unknown>;
  userDefinedMetadata?: Record<string, unknown>;
  signature?: Record<string, unknown>;
  modelInitializer?: Record<string, unknown>;
  initializerSignature?: Record<string, unknown>;
}

/**
 * Sizes and date of saved model artifacts (topology and weight bytes).
 */
export interface ModelArtifactsInfo {
  dateSaved: Date;
  modelTopologyType: 'JSON';
  modelTopologyBytes: number;
  weightSpecsBytes: number;
  weightDataBytes: number;
}

/**
 * What an IOHandler's `save()` resolves to: the saved model's artifact sizes and any response.
 */
export interface SaveResult {
  modelArtifactsInfo: ModelArtifactsInfo | Record<string, unknown>;
  errors?: unknown[];
  responses?: unknown[];
}

/**
 * Where a model is saved to or loaded from: an object with `save(artifacts)` and/or `load()`.
 */
export interface IOHandler {
  save?: (artifacts: ModelArtifacts) => Promise<SaveResult>;
  load?: () => Promise<ModelArtifacts>;
}

/**
 * Options for loading a model: `requestInit`, `weightPathPrefix`, `fetchFunc`, `onProgress`, `strict`.
 */
export interface LoadOptions {
  /** Require every model weight to be set and every saved weight to be used (default true). */
  strict?: boolean;
  /** HTTP: extra fetch options (headers, credentials, ...). */
  requestInit?: RequestInit;
  /** HTTP: a fetch replacement. */
  fetchFunc?: typeof fetch;
  /** HTTP: load shards from this prefix instead of model.json's directory. */
  weightPathPrefix?: string;
  /** HTTP: map a manifest weight path to the URL to fetch it from (TF.js `weightUrlConverter`). */
  weightUrlConverter?: (weightFileName: string) => Promise<string>;
  /** Called with the fraction of shards fetched (0..1). */
  onProgress?: (fraction: number) => void;
  /**
   * tessera: keep float16-saved weights (`model.save(url, {quantizeWeights: 'float16'})`, the TF.js
   * converter's float16 quantization) as float16 on the backends that can (webgpu: half the GPU
   * bytes, widened exactly to float32 as kernels read them). Default: the env flag
   * WEBGPU_FLOAT16_WEIGHTS (true). Values are the same either way.
   */
  float16Weights?: boolean;
}

export const LAYERS_MODEL_FORMAT = 'layers-model';

/**
 * TF.js `version_layers`: the version of the tfjs-layers API (configs, model JSON, weight layouts) that
 * tessera implements; saved models say `keras_version: 'tfjs-layers <this>'`.
 */
export const version_layers = '4.22.0';
