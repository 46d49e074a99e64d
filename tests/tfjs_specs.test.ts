/**
 * TF.js's own op specs (tfjs-core 4.22's compiled jasmine specs, loaded from node_modules) run against the
 * built tessera on the wasm and js backends in Node, in a child process each (tests/tfjs_specs/run_node.mjs).
 * Prints "<backend>: N passed, M failed"; fails if a backend passes fewer specs than its floor
 * (tests/tfjs_specs/floors.mjs), or if js falls behind wasm.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM data without types
import { MIN_PASSED, TARGET_PASS_RATE } from './tfjs_specs/floors.mjs';

interface Tally { passed: number; failed: number; failures: { name: string; message: string }[] }

function runSuite(backend: string): Tally {
  const out = join(mkdtempSync(join(tmpdir(), 'tfjs-specs-')), `${backend}.json`);
  execFileSync(process.execPath, ['tests/tfjs_specs/run_node.mjs', '--backend', backend, '--json', out], {
    cwd: join(__dirname, '..'),
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 600_000,
  });
  return JSON.parse(readFileSync(out, 'utf8')) as Tally;
}

const results: Record<string, Tally> = {};
describe('tfjs-core 4.22 specs against tessera in Node', () => {
  for (const backend of ['wasm', 'js']) {
    it(`${backend}: at least ${MIN_PASSED[backend]} specs pass`, () => {
      const t = runSuite(backend);
      results[backend] = t;
      const counted = t.passed + t.failed;
      const rate = t.passed / counted;
      console.log(`tfjs specs ${backend}: ${t.passed} passed, ${t.failed} failed (${(100 * rate).toFixed(1)}% of ${counted}; target ${100 * TARGET_PASS_RATE}%)`);
      expect(counted).toBeGreaterThan(3000);
      expect(t.passed).toBeGreaterThanOrEqual(MIN_PASSED[backend]);
    }, 600_000);
  }
  it('the js backend is not behind wasm', () => {
    expect(results.js && results.wasm).toBeTruthy();
    const behind = results.wasm.passed - results.js.passed;
    expect(behind).toBeLessThanOrEqual(0);
  });
});
