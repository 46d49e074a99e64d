// Doc coverage of the public API, read with the TypeScript compiler API: every name src/index.ts
// exports (and every name inside the namespaces it exports, `export * as layers ...`) must have a
// doc comment, every public function's comment must hold a short example (an @example tag or a
// ``` code block), and every public member of an exported class must have a doc comment. Used by
// tests/docs_coverage.test.ts; `node scripts/doc_coverage.mjs --list` prints the names still missing.
import ts from 'typescript';
import { join, relative } from 'node:path';
import { repoRoot } from './server.mjs';

/** The declarations a symbol (after following re-export aliases) stands for. */
function resolve(checker, sym) {
  const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
  return target;
}

/** True when a declaration carries a JSDoc block with some text (or tags). */
function docOf(decl) {
  // A `const x = ...` keeps its JSDoc on the VariableStatement; getJSDocCommentsAndTags walks up.
  const nodes = ts.getJSDocCommentsAndTags(decl).filter((n) => n.kind === ts.SyntaxKind.JSDoc);
  if (!nodes.length) return null;
  return nodes.map((n) => n.getFullText()).join('\n');
}

/** Is the exported value a function (declaration, arrow/function const, or op(...) wrapper)? */
function isFunction(checker, sym, decl) {
  if (ts.isFunctionDeclaration(decl)) return true;
  if (ts.isVariableDeclaration(decl)) {
    const type = checker.getTypeOfSymbolAtLocation(sym, decl);
    return type.getCallSignatures().length > 0 && type.getConstructSignatures().length === 0 && !type.getProperties().some((p) => p.name === 'prototype');
  }
  return false;
}

const HAS_EXAMPLE = /@example|```/;

/** The code of a doc comment's examples: each ``` block, its ` * ` margins removed. */
export function exampleCode(doc) {
  const text = doc.split('\n').map((l) => l.replace(/^\s*\/?\*+\/?\s?/, '')).join('\n');
  return [...text.matchAll(/```(?:js|ts|javascript)?\n([\s\S]*?)```/g)].map((m) => m[1].replace(/\s+$/, ''));
}

/**
 * Walk the public API. Returns {entries: [{name, kind, file, documented, doc, isFunction, hasExample}],
 * missingDoc: [names], missingExample: [names]}.
 */
export function docCoverage({ entry = join(repoRoot, 'src/index.ts') } = {}) {
  const configPath = join(repoRoot, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile).config;
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot);
  // Only declarations and their comments matter here, not type errors: no @types or DOM lib to parse.
  const program = ts.createProgram({ rootNames: [entry], options: { ...parsed.options, noEmit: true, types: [], lib: ['lib.es2022.d.ts'] } });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSym = checker.getSymbolAtLocation(source);
  const entries = [];
  const seenModules = new Set();

  const visit = (prefix, modSym) => {
    if (seenModules.has(modSym)) return;
    seenModules.add(modSym);
    for (const exp of checker.getExportsOfModule(modSym)) {
      const name = prefix + exp.name;
      const target = resolve(checker, exp);
      const decls = target.declarations ?? [];
      const decl = decls[0];
      if (!decl) continue;
      // `export * as ns from './x.js'`: the namespace's own members are the public names.
      if (ts.isSourceFile(decl)) {
        visit(`${name}.`, target);
        continue;
      }
      const doc = decls.map(docOf).find(Boolean) ?? null;
      const fn = decls.some((d) => isFunction(checker, target, d));
      const sigs = checker.getTypeOfSymbolAtLocation(target, decl).getCallSignatures();
      entries.push({
        signature: fn && sigs[0] ? checker.signatureToString(sigs[0]) : undefined,
        node: decl,
        name,
        kind: ts.SyntaxKind[decl.kind],
        file: `${relative(repoRoot, decl.getSourceFile().fileName)}:${decl.getSourceFile().getLineAndCharacterOfPosition(decl.getStart()).line + 1}`,
        documented: !!doc,
        doc,
        isFunction: fn,
        hasExample: !!doc && HAS_EXAMPLE.test(doc),
      });
    }
  };
  visit('', moduleSym);
  // The public members (not private/protected/#private) that exported classes declare themselves.
  const members = [];
  const seenClasses = new Set();
  for (const e of entries) {
    if (!ts.isClassDeclaration(e.node) || seenClasses.has(e.node)) continue;
    seenClasses.add(e.node);
    for (const m of e.node.members) {
      if (!m.name || ts.isConstructorDeclaration(m) || ts.isPrivateIdentifier(m.name)) continue;
      if (ts.getCombinedModifierFlags(m) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      const sf = m.getSourceFile();
      members.push({
        name: `${e.name}.${m.name.getText()}`,
        file: `${relative(repoRoot, sf.fileName)}:${sf.getLineAndCharacterOfPosition(m.getStart()).line + 1}`,
        documented: ts.getJSDocCommentsAndTags(m).some((n) => n.kind === ts.SyntaxKind.JSDoc),
      });
    }
  }
  return {
    entries,
    members,
    missingMemberDoc: members.filter((m) => !m.documented),
    missingDoc: entries.filter((e) => !e.documented),
    missingExample: entries.filter((e) => e.isFunction && !e.hasExample),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = Date.now();
  const { entries, missingDoc, missingExample, members, missingMemberDoc } = docCoverage();
  const fns = entries.filter((e) => e.isFunction);
  const show = (e) => `  ${e.name}  (${e.file})`;
  if (process.argv.includes('--list')) {
    console.log(`missing doc comment (${missingDoc.length}):\n${missingDoc.map(show).join('\n')}`);
    console.log(`functions without an example (${missingExample.length}):\n${missingExample.map(show).join('\n')}`);
    console.log(`class members without a doc comment (${missingMemberDoc.length}):\n${missingMemberDoc.map(show).join('\n')}`);
  }
  console.log(`${entries.length} public names, ${entries.length - missingDoc.length} documented; ${fns.length} functions, ${fns.length - missingExample.length} with an example; ${members.length} public class members, ${members.length - missingMemberDoc.length} documented (${Date.now() - t0} ms)`);
}
