/**
 * The recorded plan's fusedElementwise kernel on webgpu (KernelAttrs.fusedElementwise, made by
 * src/plan/fuse.ts): the chain becomes one WGSL kernel generated from the op table's `wgsl`
 * expressions into shaders/fused_elementwise.wgsl. Each table op becomes a function whose
 * parameters carry the row's names (x, alpha, beta / a, b), each instruction one `let` line, so
 * no expression text is rewritten. Specs are cached by program signature (op codes, register
 * numbering, input/output counts): the same chain compiles once, whatever its size, periods and
 * alpha/beta (those are uniforms). A program ending in a reduction (kind 4) runs the `fused_rows`
 * entry: one workgroup per row, the reduced register folded in registers and never stored.
 */
import template from '../../../../shaders/fused_elementwise.wgsl';
import { BINARY_BY_CODE, UNARY_BY_CODE } from '../../../ops/elementwise_table/index.js';
import { BINARY_EXPRS, UNARY_EXPRS } from '../../../ops/elementwise_table/exprs.js';
import { FUSED_WORDS, FusedKind, type KernelAttrs } from '../../kernels.js';
import { chunkElements } from '../limits.js';
import { rowWorkgroupSize } from './reduce.js';
import { grid1d, STORAGE_RO, STORAGE_RW, UNIFORM, type ShaderSpec, type WebGPUKernelTable } from '../spec.js';

const WG = 64;
/** Storage buffers one fused kernel binds at most (WebGPU's default maxStorageBuffersPerShaderStage). */
export const FUSED_MAX_BINDINGS = 8;
/** Alpha/beta constants the params struct holds (consts0..consts3, 8 each). */
export const FUSED_MAX_CONSTS = 32;

const PARAMS: ShaderSpec['params'] = [
  ['size', 'u32'], ['first', 'u32'], ['periods', 'u32x8'],
  ['consts0', 'u32x8'], ['consts1', 'u32x8'], ['consts2', 'u32x8'], ['consts3', 'u32x8'], ['inner', 'u32'],
];

function counts(program: number[]): { inputs: number; outputs: number } {
  let inputs = 0, outputs = 0;
  for (let k = 0; k < program.length; k += FUSED_WORDS) {
    if (program[k] === FusedKind.load) inputs = Math.max(inputs, program[k + 1] + 1);
    if (program[k] === FusedKind.store || program[k] === FusedKind.reduce) outputs = Math.max(outputs, program[k + 1] + 1);
  }
  return { inputs, outputs };
}

/** The program's reduction terminal, or null: [output index, register, Reduce code]. */
function terminalOf(program: number[]): [number, number, number] | null {
  for (let k = 0; k < program.length; k += FUSED_WORDS) {
    if (program[k] === FusedKind.reduce) return [program[k + 1], program[k + 3], program[k + 5]];
  }
  return null;
}

/** The WGSL of a fused program: the template with its bindings, op functions and body filled in. */
export function fusedElementwiseSource(program: number[]): string {
  const { inputs, outputs } = counts(program);
  const bindings: string[] = [];
  for (let j = 0; j < inputs; j++) bindings.push(`@group(0) @binding(${1 + j}) var<storage, read> in${j}: array<f32>;`);
  for (let k = 0; k < outputs; k++) bindings.push(`@group(0) @binding(${1 + inputs + k}) var<storage, read_write> out${k}: array<f32>;`);
  const fns = new Map<string, string>();
  const body: string[] = [];
  for (let k = 0; k < program.length; k += FUSED_WORDS) {
    const [kind, op, dst, a, b, f] = program.slice(k, k + FUSED_WORDS);
    if (kind === FusedKind.load) body.push(`let r${dst} = in${op}[at(${op}u, i)];`);
    else if (kind === FusedKind.unary) {
      const row = UNARY_BY_CODE[op];
      if (!row) throw new Error(`webgpu fusedElementwise: unknown unary op code ${op}`);
      fns.set(`unary_${op}`, `// ${row.name}\nfn unary_${op}(x: f32, alpha: f32, beta: f32) -> f32 { return ${UNARY_EXPRS[row.name].wgsl}; }`);
      body.push(`let r${dst} = unary_${op}(r${a}, konst(${f}u), konst(${f + 1}u));`);
    } else if (kind === FusedKind.binary) {
      const row = BINARY_BY_CODE[op];
      if (!row) throw new Error(`webgpu fusedElementwise: unknown binary op code ${op}`);
      fns.set(`binary_${op}`, `// ${row.name}\nfn binary_${op}(a: f32, b: f32) -> f32 { return ${BINARY_EXPRS[row.name].wgsl}; }`);
      body.push(`let r${dst} = binary_${op}(r${a}, r${b});`);
    } else if (kind === FusedKind.store) body.push(`out${op}[i] = r${a};`);
    else if (kind !== FusedKind.reduce || f > 3) throw new Error(`webgpu fusedElementwise: unknown instruction kind ${kind} (op ${op})`);
  }
  const terminal = terminalOf(program);
  body.push(terminal ? `return r${terminal[1]};` : 'return 0.0f;');
  const reduced = terminal
    ? [`const RED_OP: u32 = ${terminal[2]}u;`, `fn store_reduced(row: u32, v: f32) { out${terminal[0]}[row] = v; }`]
    : [];
  // keep the entry the program runs (a module holds exactly its spec's entry points)
  const drop = terminal ? /\/\/@ELEMENTS_BEGIN[\s\S]*\/\/@ELEMENTS_END\n/ : /\/\/@ROWS_BEGIN[\s\S]*\/\/@ROWS_END\n/;
  return template
    .replace(drop, '')
    .replace('//@BINDINGS', bindings.join('\n'))
    .replace('//@STEPS', [...fns.values(), ...reduced].join('\n'))
    .replace('//@BODY', body.join('\n  '));
}

const specs = new Map<string, ShaderSpec>();

/** The spec of a fused program, made once per signature (the pipeline cache keys on the spec). */
export function fusedElementwiseSpec(program: number[]): ShaderSpec {
  const signature = program.join(',');
  let spec = specs.get(signature);
  if (!spec) {
    const { inputs, outputs } = counts(program);
    spec = {
      family: `fused_elementwise[${signature}]`,
      source: fusedElementwiseSource(program),
      params: PARAMS,
      // a program ending in a reduction runs fused_rows (its fused entry would not bind the reduced output)
      entries: {
        [terminalOf(program) ? 'fused_rows' : 'fused']: {
          bindings: [UNIFORM, ...new Array<typeof STORAGE_RO>(inputs).fill(STORAGE_RO), ...new Array<typeof STORAGE_RW>(outputs).fill(STORAGE_RW)],
          overrides: ['WG'],
        },
      },
    };
    specs.set(signature, spec);
  }
  return spec;
}

/** Number of distinct fused programs compiled into specs so far (a test hook for the cache). */
export const fusedSpecCount = (): number => specs.size;

function check(a: KernelAttrs['fusedElementwise'], inputs: number, outputs: number): void {
  if (inputs + outputs > FUSED_MAX_BINDINGS) {
    throw new Error(`webgpu fusedElementwise: ${inputs} inputs and ${outputs} outputs exceed ${FUSED_MAX_BINDINGS} storage bindings`);
  }
  if (a.consts.length > FUSED_MAX_CONSTS) {
    throw new Error(`webgpu fusedElementwise: ${a.consts.length} constants exceed ${FUSED_MAX_CONSTS}`);
  }
}

export const fusedElementwiseKernels: WebGPUKernelTable = {
  fusedElementwise(ctx, ins, outs, a) {
    check(a, ins.length, outs.length);
    if (a.n === 0) return;
    const spec = fusedElementwiseSpec(a.program);
    const bits = new Uint32Array(new Float32Array([...a.consts, ...new Array<number>(FUSED_MAX_CONSTS - a.consts.length).fill(0)]).buffer);
    const consts = (q: number) => Array.from(bits.subarray(8 * q, 8 * q + 8));
    // whole inputs (period n) read index i of their bound range: period 0 in the shader
    const periods = a.periods.map((p) => (p === a.n ? 0 : p));
    const fits = a.n * 4 <= ctx.limits.maxBindingBytes;
    if (a.inner !== undefined) {
      // a reduction terminal: one workgroup per row over whole bindings (the plan fuses only what fits the default limit)
      const rows = a.n / a.inner;
      if (!fits || !Number.isInteger(rows) || a.inner < 1) {
        throw new Error(`webgpu fusedElementwise: rows of ${a.inner} over ${a.n} elements exceed one binding (${ctx.limits.maxBindingBytes} bytes)`);
      }
      // invocations per row as the reduce kernel's reduce_rows: by row length, 4 on CPU adapters (every barrier a context switch)
      const wg = ctx.preferDirect ? 4 : rowWorkgroupSize(a.inner, ctx.limits.maxInvocations);
      ctx.dispatch({
        spec, entry: 'fused_rows', buffers: [...ins.map((t) => ctx.buffer(t)), ...outs.map((t) => ctx.buffer(t))], constants: { WG: wg },
        params: { size: rows, first: 0, periods, consts0: consts(0), consts1: consts(1), consts2: consts(2), consts3: consts(3), inner: a.inner },
        workgroups: grid1d(rows, ctx.limits.maxWorkgroupsPerDimension),
      });
      return;
    }
    const chunk = fits ? a.n : chunkElements(ctx.limits.maxBindingBytes, ctx.limits.bindingAlignment);
    if (chunk <= 0) throw new Error(`webgpu fusedElementwise: maxStorageBufferBindingSize ${ctx.limits.maxBindingBytes} is below one aligned range`);
    for (let first = 0; first < a.n; first += chunk) {
      const count = Math.min(chunk, a.n - first);
      const buffers = [
        ...ins.map((t, j) => (fits ? ctx.buffer(t) : periods[j] === 0 ? ctx.range(t, first, count) : ctx.buffer(t))),
        ...outs.map((t) => (fits ? ctx.buffer(t) : ctx.range(t, first, count))),
      ];
      ctx.dispatch({
        spec, entry: 'fused', buffers, constants: { WG },
        params: { size: count, first, periods, consts0: consts(0), consts1: consts(1), consts2: consts(2), consts3: consts(3) },
        workgroups: grid1d(Math.ceil(count / WG), ctx.limits.maxWorkgroupsPerDimension),
      });
    }
  },
};
