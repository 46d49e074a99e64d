// One build of tessera's kernel module on its own memory, for the benches that call its exports
// directly (bench/matmul_ab_page.mjs and conv_ab_page.mjs in the page, matmul_pack_profile.mjs in
// Node): instantiates the bytes over a fresh WebAssembly.Memory and gives a 64-byte-aligned bump
// allocator above the module's heap base that grows the memory as needed.
// Returns { ex, memory, alloc(bytes) -> pointer, reset() } (reset frees everything allocated).
export async function loadKernelModule(bytes) {
  const memory = new WebAssembly.Memory({ initial: 16 });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory, abort() { throw new Error('abort'); } } });
  const ex = instance.exports;
  let top = 0;
  const reset = () => { top = (ex.heapBase() + 63) & ~63; };
  const alloc = (n) => {
    const p = top;
    top = (top + n + 63) & ~63;
    const need = Math.ceil(top / 65536) - memory.buffer.byteLength / 65536;
    if (need > 0) memory.grow(need);
    return p;
  };
  reset();
  return { ex, memory, alloc, reset };
}
