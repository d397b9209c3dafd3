import { BROWSER_HINT, withBrowser } from './browser.ts';
import { DATABASE_URL, IN_CI } from './postgres.ts';

/**
 * Runs once before the suite. Without DATABASE_URL on a developer machine the PostgreSQL variants
 * are left out, and one line says how to get a database; in CI they run and fail without one.
 */
export default function setup(): void {
  // The same for the browser test (test/support/browser.ts): one line, and in CI it must run.
  if (!withBrowser) console.log(BROWSER_HINT);
  if (DATABASE_URL || IN_CI) return;
  console.log(
    'PostgreSQL tests left out: DATABASE_URL is not set. Get a throwaway server with `eval "$(.ci/setup-postgres)"` (README "Running the tests").',
  );
}
