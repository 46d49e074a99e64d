/** Asset imports embedded by the build (scripts/assets.mjs): shader text and Wasm bytes. */
declare module '*.wgsl' {
  const source: string;
  export default source;
}
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
