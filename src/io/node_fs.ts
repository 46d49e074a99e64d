/**
 * Node file-system handler ('file://path' or a plain path): a directory holds model.json +
 * weights.bin; a path ending in .json names the model.json itself (its weights go to
 * NAME.weights.bin beside it). The reads and writes are in transfers.ts (loaded on first use), which
 * imports Node's fs dynamically, and only when running in Node, so the browser bundle never references it.
 */
import type { IOHandler, ModelArtifacts, SaveResult } from './types.js';

export const FILE_SCHEME = 'file://';

export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return !!p?.versions?.node;
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
      return (await import('../async_parts.js')).fileSystemSave(target, isJson, a);
    },
    async load(): Promise<ModelArtifacts> {
      return (await import('../async_parts.js')).fileSystemLoad(target);
    },
  };
}
