// Runs an already-loaded set of jasmine specs and tallies them: shared by the Node runner and the page.
// A spec counts when it ran (passed or failed); specs cut by the exclusion list, or marked pending by tfjs
// itself (xit / pending()), are reported apart and not counted.
export function makeJasmine(jasmineRequire, globalObject) {
  const jasmine = jasmineRequire.core(jasmineRequire);
  const env = jasmine.getEnv();
  Object.assign(globalObject, jasmineRequire.interface(jasmine, env));
  jasmine.DEFAULT_TIMEOUT_INTERVAL = 30000;
  return env;
}

/** Executes the specs loaded into `env`; returns {passed, failed, pending, excluded, failures: [{name, message}]}. */
export async function runSpecs(env, keepSpec, onSpec) {
  const tally = { passed: 0, failed: 0, pending: 0, excluded: 0, failures: [], passedNames: [] };
  env.configure({ random: false, specFilter: (spec) => keepSpec(spec.getFullName()) });
  env.addReporter({
    specDone(r) {
      if (r.status === 'passed') {
        tally.passed++;
        tally.passedNames.push(r.fullName);
      } else if (r.status === 'failed') {
        tally.failed++;
        const msg = r.failedExpectations.map((f) => f.message).join(' | ');
        tally.failures.push({ name: r.fullName, message: msg.slice(0, 400) });
      } else if (r.status === 'excluded') tally.excluded++;
      else tally.pending++;
      onSpec?.(r);
    },
    suiteDone(r) {
      // errors thrown in beforeAll/afterAll hooks fail the suite, not a spec: count them as failures
      if (r.status === 'failed' && r.failedExpectations.length) {
        tally.failed++;
        tally.failures.push({ name: `${r.fullName} (suite hook)`, message: r.failedExpectations.map((f) => f.message).join(' | ').slice(0, 400) });
      }
    },
  });
  await env.execute();
  return tally;
}
