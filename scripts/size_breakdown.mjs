// Which source modules dominate an app's up-front JS (issue 10): esbuild bundles APP_SOURCE from src/ (minified,
// code splitting, like scripts/sizes.mjs but module-granular, as a package of per-file ESM would tree-shake),
// prints each output chunk (up front / lazy, bytes, gzip), then minified bytes per source folder and per module
// of the up-front chunks. `node scripts/size_breakdown.mjs "import * as tf from './src/index.ts'; globalThis.tf = tf;" [TOP] [IMPORTED_PATH]`
// (IMPORTED_PATH: also list who imports modules whose path contains it).
import * as esbuild from 'esbuild';
import { gzipSync } from 'node:zlib';
import { esbuildAssetPlugin } from './assets.mjs';
const src = process.argv[2] || `import * as tf from './src/index.ts'; globalThis.tf = tf;`;
const r = await esbuild.build({ stdin:{contents:src, resolveDir:process.cwd(), loader:'ts'}, bundle:true, format:'esm', splitting:true, platform:'browser', target:'es2022', minify:true, legalComments:'none', write:false, metafile:true, outdir:'/tmp/size-breakdown', logLevel:'error', plugins:[esbuildAssetPlugin()]});
const outs = r.metafile.outputs;
const entry = Object.keys(outs).find(p=>outs[p].entryPoint==='<stdin>');
const initial = new Set(); const visit=(p)=>{ if(initial.has(p))return; initial.add(p); for(const i of outs[p].imports) if(i.kind==='import-statement'&&outs[i.path]) visit(i.path);}; visit(entry);
const files = new Map(r.outputFiles.map(f=>[f.path.replace(/^.*size-breakdown\//,''),f.contents]));
let ig=0; for (const p of Object.keys(outs)) { const n=p.replace(/^.*size-breakdown\//,''); const g=gzipSync(files.get(n)??new Uint8Array(),{level:9}).length; if(initial.has(p)) ig+=g; console.log(initial.has(p)?'INIT':'lazy', n, outs[p].bytes, g); }
console.log('initial gzip', ig);
const agg = new Map();
for (const p of initial) for (const [k,v] of Object.entries(outs[p].inputs)) agg.set(k,(agg.get(k)??0)+v.bytesInOutput);
const rows=[...agg].sort((a,b)=>b[1]-a[1]);
const dir = new Map(); for (const [k,v] of rows){ const d=k.split('/').slice(0,3).join('/'); dir.set(d,(dir.get(d)??0)+v);} 
console.log([...dir].sort((a,b)=>b[1]-a[1]).map(x=>x.join(' ')).join('\n'));
console.log('---');
for (const [k,v] of rows.slice(0, +(process.argv[3]??50))) console.log(v, k);
// who imports what (for chains)
if (process.argv[4]) { const target=process.argv[4]; for (const [k,v] of Object.entries(r.metafile.inputs)) for (const i of v.imports) if (i.path.includes(target)) console.log('IMPORTER', k, '->', i.path, i.kind); }
