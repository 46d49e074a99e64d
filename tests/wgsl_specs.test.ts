// Parses every WGSL shader family (after #include expansion) with wgsl_reflect and checks that
// each entry point's bindings, override constants and params struct layout match the
// TypeScript spec the webgpu backend binds and packs by. Runs in Node (no GPU needed).
import { describe, expect, it } from 'vitest';
import type { WgslReflect as WgslReflectType } from 'wgsl_reflect';
// The package's "main" is a CommonJS file inside a "type": "module" package, which Node refuses;
// load its ESM build by path and take the types from the package entry.
// @ts-expect-error no declaration file for the ESM build's path
import { WgslReflect as WgslReflectEsm } from 'wgsl_reflect/wgsl_reflect.module.js';

const WgslReflect = WgslReflectEsm as typeof WgslReflectType;
import { paramsLayout, shaderCode, type ShaderSpec } from '../src/backends/webgpu/spec.js';
import { preprocessWgsl } from '../src/backends/webgpu/preprocess.js';
import { elementwiseSpec } from '../src/backends/webgpu/specs/elementwise.js';
import { layoutSpec } from '../src/backends/webgpu/specs/layout.js';
import { matmulSpec, matmulSubgroupSpec } from '../src/backends/webgpu/specs/matmul.js';
import { matmulSimpleSpec } from '../src/backends/webgpu/specs/matmul_simple.js';
import { reduceColumnsSpec, reduceSpec, softmaxSpec } from '../src/backends/webgpu/specs/reduce.js';
import { conv2dBackpropSpec, conv2dSpec, depthwiseSpec } from '../src/backends/webgpu/specs/conv.js';
import { poolSpec } from '../src/backends/webgpu/specs/pool.js';
import { layerNormParamGradSpec, layerNormSpec } from '../src/backends/webgpu/specs/norm.js';
import { attentionGradSpec, attentionSimpleSpec, attentionSpec, attentionSubgroupSpec } from '../src/backends/webgpu/specs/attention.js';
import { optimizerSpec } from '../src/backends/webgpu/specs/optimizer.js';
import { lstmCellSpec } from '../src/backends/webgpu/specs/lstm_cell.js';
import { scanSpec } from '../src/backends/webgpu/specs/scan.js';
import { scatterSpec } from '../src/backends/webgpu/specs/scatter.js';
import { conv3dSpec } from '../src/backends/webgpu/specs/conv3d.js';
import { windowArgmaxSpec } from '../src/backends/webgpu/specs/window_argmax.js';

import { imageSpec } from '../src/backends/webgpu/specs/image.js';
import { fusedElementwiseSpec } from '../src/backends/webgpu/specs/fused_elementwise.js';
import { float16WidenSpec } from '../src/backends/webgpu/specs/float16.js';
import { int8ConvSpecs, int8MatmulSpecs, int8QuantizeSpecs } from '../src/backends/webgpu/specs/int8.js';
import { Binary, FusedKind, Reduce, Unary } from '../src/backends/kernels.js';
// a generated fused chain (src/plan/fuse.ts program words): r2 = relu(in0 + in1); out0 = r2; r3 = leakyRelu(r2); out1 = r3
const { load, unary, binary, store } = FusedKind;
const FUSED_SAMPLE = fusedElementwiseSpec([load, 0, 0, 0, 0, 0, load, 1, 1, 0, 0, 0, binary, Binary.add, 2, 0, 1, 0,
  unary, Unary.relu, 3, 2, 0, 0, store, 0, 0, 3, 0, 0, unary, Unary.leakyRelu, 4, 3, 0, 2, store, 1, 0, 4, 0, 0]);
// with a reduction terminal (fused_rows): r1 = square(in0); out0 = r1; out1[row] = max of r1 over the row
const FUSED_REDUCE_SAMPLE = fusedElementwiseSpec([load, 0, 0, 0, 0, 0, unary, Unary.square, 1, 0, 0, 0, store, 0, 0, 1, 0, 0,
  FusedKind.reduce, 1, 0, 1, 0, Reduce.max]);
const SPECS: ShaderSpec[] = [elementwiseSpec, reduceSpec, softmaxSpec, matmulSpec, matmulSubgroupSpec, matmulSimpleSpec, layoutSpec, attentionSubgroupSpec, attentionSimpleSpec,
  conv2dSpec, conv2dBackpropSpec, depthwiseSpec, poolSpec, layerNormSpec, attentionSpec, optimizerSpec, lstmCellSpec,
  scanSpec, scatterSpec, conv3dSpec, windowArgmaxSpec, imageSpec, FUSED_SAMPLE, FUSED_REDUCE_SAMPLE, float16WidenSpec,
  ...[int8QuantizeSpecs, int8MatmulSpecs, int8ConvSpecs].flatMap((p) => [p.portable, p.packed]), reduceColumnsSpec, attentionGradSpec, layerNormParamGradSpec];

interface FnInfo { name: string; startLine: number; endLine: number; calls: Set<FnInfo> }

/**
 * Overrides an entry point uses: declared overrides named in its body or in the body of any
 * function it calls, transitively. (wgsl_reflect's own per-function list misses some uses, such
 * as a `switch` selector, so the reachable source lines are scanned instead.)
 */
function overridesUsed(fn: FnInfo, declared: string[], lines: string[]): string[] {
  const names = new Set<string>();
  const seen = new Set<FnInfo>();
  const visit = (f: FnInfo) => {
    if (seen.has(f)) return;
    seen.add(f);
    const body = lines.slice(f.startLine - 1, f.endLine).join('\n').replace(/\/\/.*$/gm, '');
    for (const o of declared) if (new RegExp(`\\b${o}\\b`).test(body)) names.add(o);
    for (const c of f.calls) visit(c);
  };
  visit(fn);
  return [...names].sort();
}

function bindingKind(resourceType: number, access: string): string {
  // wgsl_reflect ResourceType: 0 Uniform, 1 Storage
  if (resourceType === 0) return 'uniform';
  return access === 'read' ? 'read-only-storage' : 'storage';
}

describe('wgsl specs', () => {
  for (const spec of SPECS) {
    describe(spec.family, () => {
      const reflect = new WgslReflect(shaderCode(spec));
      const computeEntries = reflect.entry.compute;

      it('has exactly the spec entry points', () => {
        expect(computeEntries.map((e) => e.name).sort()).toEqual(Object.keys(spec.entries).sort());
      });

      for (const [name, entry] of Object.entries(spec.entries)) {
        it(`${name}: bindings match`, () => {
          const fn = computeEntries.find((e) => e.name === name)!;
          expect(fn).toBeDefined();
          const got = fn.resources
            .map((r) => ({ group: r.group, binding: r.binding, type: bindingKind(r.resourceType, r.access) }))
            .sort((a, b) => a.binding - b.binding);
          const want = entry.bindings.map((type, binding) => ({ group: 0, binding, type }));
          expect(got).toEqual(want);
        });

        it(`${name}: overrides match`, () => {
          const fn = computeEntries.find((e) => e.name === name)!;
          const declared = reflect.overrides.map((o) => o.name);
          const lines = shaderCode(spec).split('\n');
          expect(overridesUsed(fn as unknown as FnInfo, declared, lines)).toEqual([...entry.overrides].sort());
        });
      }

      it('params struct layout matches the host packing', () => {
        const params = reflect.uniforms.find((u) => u.binding === 0 && u.group === 0);
        expect(params).toBeDefined();
        const members = params!.members!;
        const { offsets, size } = paramsLayout(spec.params);
        expect(members.map((m) => m.name)).toEqual(spec.params.map(([n]) => n));
        expect(members.map((m) => m.offset)).toEqual(offsets);
        expect(params!.size).toBe(size);
        for (const [i, [, kind]] of spec.params.entries()) {
          const t = members[i].type;
          if (kind === 'u32x8') expect(t.size).toBe(32);
          else expect(t.name).toBe(kind);
        }
      });
    });
  }

  it('preprocessor includes each file once and rejects unknown includes', () => {
    const code = preprocessWgsl('#include "dtype.wgsl"\n#include "generated_activation.wgsl"\n');
    expect(code.match(/fn is_nan_f32/g)?.length).toBe(1);
    expect(() => preprocessWgsl('#include "nope.wgsl"')).toThrow(/unknown include "nope.wgsl"/);
  });
});
