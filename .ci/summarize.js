'use strict';
// Prints the one closing line CI reads, "N passed, N failed[, N skipped]", summed over vitest JSON reports (npm test's
// and the chaos suite's). A report that is missing or unreadable counts as one failure, with a line saying which.
const fs = require('node:fs');

function countsOf(file) {
  let report;
  try {
    report = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`ci: no vitest report at ${file} (${e.message})`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  // A test file that failed to load has no test results of its own; count it as a failure so it cannot hide.
  const brokenFiles = (report.testResults ?? []).filter(
    (f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0,
  ).length;
  return {
    passed: report.numPassedTests ?? 0,
    failed: (report.numFailedTests ?? 0) + brokenFiles,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.log('ci: summarize.js needs at least one vitest report');
  console.log('0 passed, 1 failed');
  process.exit(0);
}
const total = { passed: 0, failed: 0, skipped: 0 };
for (const file of files) {
  const c = countsOf(file);
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
}
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
