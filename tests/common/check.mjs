// check.mjs - the result lines of the node-driven suites (tests/browser,
// tests/prism): "ok   what" or "FAIL what: detail" per check, then the
// closing "NAME: N passed, M failed" that make test and CI read.
export function checker(name) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  function check(ok, what, detail) {
    if (ok) {
      passed++;
      console.log(`ok   ${what}`);
    } else {
      failed++;
      console.log(`FAIL ${what}${detail === undefined ? "" : `: ${detail}`}`);
    }
  }
  check.skip = (what) => {
    skipped++;
    console.log(`skip ${what}`);
  };
  // prints the closing line; the exit status for it
  check.done = () => {
    console.log(`${name}: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
    return failed ? 1 : 0;
  };
  return check;
}
