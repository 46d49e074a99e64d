// The pipeline cache's switch folding (src/backends/webgpu/preprocess.ts foldSwitches): every
// `//@fold` switch of the elementwise and activation shaders, cut for each op code, keeps exactly
// the case line of that code (as the whole switch has it) plus `default`, and still parses with
// wgsl_reflect; an override missing from the constants leaves the switch whole; the module key
// tells folded modules apart. The kernels' results are checked against js in the browser tests
// (tests/browser/webgpu_kernels.test.ts, core_cases), which run every op through folded modules.
import { describe, expect, it } from 'vitest';
import type { WgslReflect as WgslReflectType } from 'wgsl_reflect';
// @ts-expect-error no declaration file for the ESM build's path
import { WgslReflect as WgslReflectEsm } from 'wgsl_reflect/wgsl_reflect.module.js';
import { foldNames, foldSwitches } from '../src/backends/webgpu/preprocess.js';
import { moduleKey, shaderCode } from '../src/backends/webgpu/spec.js';
import { elementwiseSpec } from '../src/backends/webgpu/specs/elementwise.js';
import { matmulSpec } from '../src/backends/webgpu/specs/matmul.js';
import { conv2dSpec } from '../src/backends/webgpu/specs/conv.js';
import { BINARY_BY_CODE, UNARY_BY_CODE } from '../src/ops/elementwise_table/index.js';

const WgslReflect = WgslReflectEsm as typeof WgslReflectType;

/** The lines of the function `fn` in `code`, from its header to its closing brace. */
function fnLines(code: string, fn: string): string[] {
  const lines = code.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`fn ${fn}(`));
  expect(start, `fn ${fn}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && l === '}');
  return lines.slice(start, end + 1);
}
const caseLines = (lines: string[]) => lines.filter((l) => l.trim().startsWith('case '));

describe('//@fold switch folding', () => {
  const whole = shaderCode(elementwiseSpec);
  it('the generated switches carry the marker', () => {
    expect(foldNames(whole)).toEqual(['OP']);
    // not the activation switch of matmul and conv: a module per activation compiled their tests 1.5-2x slower
    expect(foldNames(shaderCode(matmulSpec))).toEqual([]);
    expect(foldNames(shaderCode(conv2dSpec))).toEqual([]);
  });

  const tables: Array<[string, ReadonlyArray<{ code: number; name: string }>]> = [['apply_unary_op', UNARY_BY_CODE], ['apply_binary_op', BINARY_BY_CODE]];
  for (const [fn, rows] of tables) {
    it(`${fn}: each op code keeps only its own case`, () => {
      const all = caseLines(fnLines(whole, fn));
      expect(all.length).toBe(rows.length);
      for (const row of rows) {
        const folded = shaderCode(elementwiseSpec, { OP: row.code, WG: 64 });
        const kept = caseLines(fnLines(folded, fn));
        expect(kept, `${fn} ${row.name}`).toEqual(all.filter((l) => l.trim().startsWith(`case ${row.code}u:`)));
        expect(kept.length).toBe(1);
        expect(fnLines(folded, fn).some((l) => l.trim().startsWith('default'))).toBe(true);
      }
    });
  }

  it('folded shaders parse, and keep the entry points', () => {
    for (const op of [0, 46]) {
      const r = new WgslReflect(shaderCode(elementwiseSpec, { OP: op }));
      expect(r.entry.compute.map((e) => e.name).sort()).toEqual(Object.keys(elementwiseSpec.entries).sort());
    }
  });

  it('an override missing from the constants leaves its switch whole', () => {
    expect(foldSwitches(whole, { WG: 64 }).split('\n').filter((l) => !l.includes('//@fold'))).toEqual(whole.split('\n').filter((l) => !l.includes('//@fold')));
  });

  it('module keys follow the folded overrides only', () => {
    expect(moduleKey(elementwiseSpec, { OP: 3, WG: 64 })).toBe(moduleKey(elementwiseSpec, { OP: 3, WG: 16, TAIL: true }));
    expect(moduleKey(elementwiseSpec, { OP: 3 })).not.toBe(moduleKey(elementwiseSpec, { OP: 4 }));
    expect(moduleKey(matmulSpec, { ACT: 1 })).toBe(moduleKey(matmulSpec, {}));
  });
});
