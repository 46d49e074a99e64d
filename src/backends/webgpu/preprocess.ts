/**
 * The one piece of WGSL preprocessing tessera allows: `#include "name.wgsl"` lines are replaced
 * by the named shared file (each file included at most once per shader, so diamond includes
 * such as math.wgsl via dtype.wgsl and generated_activation.wgsl are fine). Everything else is plain WGSL.
 */
import attentionCommonWgsl from '../../../shaders/attention_common.wgsl';
import attentionRowsWgsl from '../../../shaders/attention_rows.wgsl';
import convEpilogueWgsl from '../../../shaders/conv_epilogue.wgsl';
import convGeometryWgsl from '../../../shaders/conv_geometry.wgsl';
import dtypeWgsl from '../../../shaders/dtype.wgsl';
import elementwiseMathWgsl from '../../../shaders/elementwise_math.wgsl';
import float16WordsWgsl from '../../../shaders/float16_words.wgsl';
import generatedActivationWgsl from '../../../shaders/generated_activation.wgsl';
import generatedElementwiseOpsWgsl from '../../../shaders/generated_elementwise_ops.wgsl';
import int8DotWgsl from '../../../shaders/int8_dot.wgsl';
import int8DotPackedWgsl from '../../../shaders/int8_dot_packed.wgsl';
import int8EpilogueWgsl from '../../../shaders/int8_epilogue.wgsl';
import int8RequantizeWgsl from '../../../shaders/int8_requantize.wgsl';
import mathWgsl from '../../../shaders/math.wgsl';
import matmulCommonWgsl from '../../../shaders/matmul_common.wgsl';
import windowWgsl from '../../../shaders/window.wgsl';

/** Shared include files by the name used in `#include "..."`. */
export const WGSL_INCLUDES: Record<string, string> = {
  'math.wgsl': mathWgsl,
  'dtype.wgsl': dtypeWgsl,
  'elementwise_math.wgsl': elementwiseMathWgsl,
  'generated_activation.wgsl': generatedActivationWgsl,
  'generated_elementwise_ops.wgsl': generatedElementwiseOpsWgsl,
  'window.wgsl': windowWgsl,
  'conv_geometry.wgsl': convGeometryWgsl,
  'conv_epilogue.wgsl': convEpilogueWgsl,
  'int8_dot.wgsl': int8DotWgsl,
  'int8_dot_packed.wgsl': int8DotPackedWgsl,
  'int8_epilogue.wgsl': int8EpilogueWgsl,
  'int8_requantize.wgsl': int8RequantizeWgsl,
  'matmul_common.wgsl': matmulCommonWgsl,
  'float16_words.wgsl': float16WordsWgsl,
  'attention_common.wgsl': attentionCommonWgsl,
  'attention_rows.wgsl': attentionRowsWgsl,
};

const INCLUDE_LINE = /^[ \t]*#include[ \t]+"([^"]+)"[ \t]*$/gm;

/** Expand `#include` lines recursively; throws on an unknown include name. */
export function preprocessWgsl(source: string, includes: Record<string, string> = WGSL_INCLUDES,
  seen: Set<string> = new Set()): string {
  return source.replace(INCLUDE_LINE, (_line, name: string) => {
    if (seen.has(name)) return `// (${name} already included)`;
    const body = includes[name];
    if (body === undefined) throw new Error(`WGSL preprocessor: unknown include "${name}"`);
    seen.add(name);
    return `// ---- begin ${name}\n${preprocessWgsl(body, includes, seen)}\n// ---- end ${name}`;
  });
}

/**
 * The shader with each `//@fold NAME` switch cut to the case the override NAME selects (and its
 * `default`), for one pipeline's `constants`. The generated op-table switches carry the marker;
 * each of their cases is one line. SwiftShader does not fold a switch on an override constant:
 * a unary pipeline with all 47 cases took 0.8-3.6 s to compile, one with its case 0.07-0.18 s.
 * A switch whose override is not in `constants` stays whole.
 */
export function foldSwitches(code: string, constants: Record<string, number | boolean>): string {
  let keep: string | null = null; // the kept case's label while inside a folded switch
  return code.split('\n').filter((line) => {
    const t = line.trim();
    if (t.startsWith('//@fold ')) {
      const v = constants[t.slice(8)];
      keep = v === undefined ? null : `case ${+v}u:`;
    } else if (keep !== null && t.startsWith('default')) keep = null;
    return keep === null || !t.startsWith('case ') || t.startsWith(keep);
  }).join('\n');
}

/** The override names of `//@fold` switches in `code` (a pipeline's module depends on their values). */
export const foldNames = (code: string): string[] => [...new Set(code.match(/(?<=\/\/@fold )\w+/g))];
