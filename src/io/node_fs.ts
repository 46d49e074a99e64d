/**
 * Node file-system handler ('file://path' or a plain path): a directory holds model.json +
 * weights.bin; a path ending in .json names the model.json itself (its weights go to
 * NAME.weights.bin beside it). Node's fs is imported dynamically, and only when running in
 * Node, so the browser bundle never references it.
 */
import type { IOHandler, ModelArtifacts, ModelJSON, SaveResult } from './types.js';
import { artifactsFromModelJSON, artifactsInfo, manifestPaths, modelJSONFor } from './handlers.js';
import { concatBuffers } from './weights.js';

export const FILE_SCHEME = 'file://';

export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return !!p?.versions?.node;
}

/** The parts of node:fs/promises and node:path used here (the bundle has no Node types). */
interface FsPromises {
  mkdir(path: string, options: { recursive: boolean }): Promise<unknown>;
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  stat(path: string): Promise<{ isDirectory(): boolean }>;
}
interface PathModule {
  join(...parts: string[]): string;
  dirname(p: string): string;
  basename(p: string): string;
  resolve(...parts: string[]): string;
}

async function nodeModules(): Promise<{ fs: FsPromises; path: PathModule }> {
  if (!isNode()) throw new Error('file paths can only be used in Node; in the browser use indexeddb://, downloads:// or an http(s) URL');
  // Module names in variables: bundlers leave these imports alone (the browser build never loads them).
  const fsName = 'node:fs/promises';
  const pathName = 'node:path';
  const [fs, path] = await Promise.all([import(/* @vite-ignore */ fsName), import(/* @vite-ignore */ pathName)]);
  return { fs: fs as unknown as FsPromises, path: path as unknown as PathModule };
}

/**
 * Handler for a model directory or model.json path in Node.
 * @example
 * ```js
 * await model.save(tf.io.fileSystem('/tmp/my-model')); // Node only; or model.save('file:///tmp/my-model')
 * ```
 */
export function fileSystem(location: string): IOHandler {
  const target = location.startsWith(FILE_SCHEME) ? location.slice(FILE_SCHEME.length) : location;
  if (!target) throw new Error('file handler: the path must not be empty');
  const isJson = target.toLowerCase().endsWith('.json');
  return {
    async save(a: ModelArtifacts): Promise<SaveResult> {
      const { fs, path } = await nodeModules();
      let jsonPath: string;
      let weightsName: string;
      if (isJson) {
        jsonPath = target;
        const stem = path.basename(target).replace(/\.json$/i, '');
        weightsName = stem === 'model' ? 'weights.bin' : `${stem}.weights.bin`;
      } else {
        jsonPath = path.join(target, 'model.json');
        weightsName = 'weights.bin';
      }
      const dir = path.dirname(jsonPath);
      await fs.mkdir(dir, { recursive: true });
      const json = modelJSONFor(a, [`./${weightsName}`]);
      await fs.writeFile(path.join(dir, weightsName), new Uint8Array(a.weightData ? concatBuffers(a.weightData) : new ArrayBuffer(0)));
      await fs.writeFile(jsonPath, JSON.stringify(json));
      return { modelArtifactsInfo: artifactsInfo(a) };
    },
    async load(): Promise<ModelArtifacts> {
      const { fs, path } = await nodeModules();
      let jsonPath = target;
      const stat = await fs.stat(target).catch(() => null);
      if (!stat) throw new Error(`loadLayersModel: '${target}' does not exist`);
      if (stat.isDirectory()) jsonPath = path.join(target, 'model.json');
      let json: ModelJSON;
      try {
        json = JSON.parse(await fs.readFile(jsonPath, 'utf8'));
      } catch (e) {
        throw new Error(`loadLayersModel: cannot read model.json at '${jsonPath}': ${(e as Error).message}`);
      }
      if (!json.weightsManifest) return artifactsFromModelJSON(json, jsonPath);
      const dir = path.dirname(jsonPath);
      const shards = await Promise.all(manifestPaths(json.weightsManifest).map(async (p) => {
        const file = path.resolve(dir, p);
        const buf = await fs.readFile(file).catch(() => {
          throw new Error(`loadLayersModel: weight shard '${p}' listed in '${jsonPath}' was not found at '${file}'`);
        });
        return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
      }));
      return artifactsFromModelJSON(json, jsonPath, shards);
    },
  };
}
