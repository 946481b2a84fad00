/**
 * The closing line of `npm test`: unit and e2e counts from the runners' JSON reports, as one plain
 * plain "N passed, N failed, N skipped" line, alone and last, that CI (and a reader of a long log) can find.
 * Exits 1 when a report is missing, counts a failure, or a runner ran nothing.
 */
import { readFileSync } from 'node:fs';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function readReport(path: string, runner: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${runner}: no report at ${path} (${e instanceof Error ? e.message : String(e)}); run the ${runner} tests first.`, { cause: e });
  }
}

/** Vitest's json reporter (Jest's layout). */
function unitCounts(path: string): Counts {
  const r = readReport(path, 'vitest') as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests?: number };
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + (r.numTodoTests ?? 0) };
}

/** Playwright's json reporter: a flaky test passed on retry, an unexpected one failed; a run-level error (no web server) fails too. */
function e2eCounts(path: string): Counts {
  const { stats, errors = [] } = readReport(path, 'playwright') as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
    errors?: unknown[];
  };
  return { passed: stats.expected + stats.flaky, failed: stats.unexpected + errors.length, skipped: stats.skipped };
}

const [unitPath = '.tmp/reports/unit.json', e2ePath = '.tmp/reports/e2e.json'] = process.argv.slice(2);
const unit = unitCounts(unitPath);
const e2e = e2eCounts(e2ePath);
const all: Counts = { passed: unit.passed + e2e.passed, failed: unit.failed + e2e.failed, skipped: unit.skipped + e2e.skipped };
console.log(`test counts by runner: vitest (unit) ${unit.passed} ok, playwright (e2e) ${e2e.passed} ok`);
console.log(`${all.passed} passed, ${all.failed} failed, ${all.skipped} skipped`);
// A runner that ran nothing is a broken run, not a green one.
if (all.failed > 0 || unit.passed === 0 || e2e.passed === 0) process.exit(1);
