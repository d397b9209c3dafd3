import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/**
 * The real browser the dashboard test drives: Debian's chromium (`.ci/setup-chromium` installs it
 * and prints CHROMIUM_PATH) through puppeteer-core, which downloads nothing. It runs whenever a
 * chromium is found; in CI (CI=1, or CHROMIUM_PATH exported by the setup) a missing browser fails
 * the test instead of leaving it out (test/support/global-setup.ts says how to get one locally).
 */
const candidates = [process.env.CHROMIUM_PATH?.trim(), '/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const CHROMIUM = candidates.find((c): c is string => Boolean(c) && existsSync(c as string));
export const BROWSER_REQUIRED = Boolean(process.env.CI?.trim() || process.env.CHROMIUM_PATH?.trim());
/** Whether the browser tests are generated. */
export const withBrowser = CHROMIUM !== undefined || BROWSER_REQUIRED;
export const BROWSER_HINT =
  'Browser test left out: no chromium found. Get it with `eval "$(.ci/setup-chromium)"` (Debian: apt-get install chromium fonts-noto-cjk).';

/** Flags that work offline: nothing phones home, no GPU, a fresh profile each launch. */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  if (!CHROMIUM) throw new Error(BROWSER_HINT);
  const profile = mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
