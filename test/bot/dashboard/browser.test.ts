import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../bot/config.ts';
import { answer } from '../../../bot/pipeline.ts';
import { replyToText } from '../../../handlers/reply.ts';
import { launchBrowser, withBrowser } from '../../support/browser.ts';
import { openDashboardWorld, TOKEN } from '../../support/dashboard-world.ts';

/**
 * The dashboard in a real headless Chromium (Debian's, through puppeteer-core) against the running
 * bot on 127.0.0.1: log in, then walk province → city → district and back, each page with zero
 * console errors and failed requests, its numbers equal to /rate's, and a screenshot under
 * test-output/screenshots/ (printed, so CI's log names them).
 */
const SHOTS = path.join(repoRoot, 'test-output', 'screenshots');

describe.runIf(withBrowser)('the dashboard in Chromium', () => {
  let world: Awaited<ReturnType<typeof openDashboardWorld>>;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    world = await openDashboardWorld();
    ({ browser, close: closeBrowser } = await launchBrowser());
    page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${String(e)}`));
    page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await mkdir(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await closeBrowser?.();
    await world?.cleanup();
  });

  async function shot(name: string): Promise<void> {
    const file = path.join(SHOTS, `${name}.png`);
    await page.screenshot({ path: file as `${string}.png`, fullPage: true });
    console.log(`screenshot: ${file}`);
  }

  /** The summary table's rows as /rate writes them. */
  async function summaryLines(): Promise<string[]> {
    return page.$$eval('#summary tbody tr', (rows) =>
      rows.map((tr) => {
        const name = (tr.querySelector('th')?.textContent ?? '').replace(/（.*）$/, '');
        const c = [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '');
        return `${name}：运行${c[0]}个，检查${c[1]}个，不合格${c[2]}个；合格率${c[3]}，不合格率${c[4]}`;
      }),
    );
  }

  async function expectRateMatches(region: string, period: string): Promise<void> {
    const rate = replyToText(await answer(world.running.pipeline, `/rate ${region} ${period}`, { platform: 'cli' }));
    const lines = await summaryLines();
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(rate).toContain(line);
  }

  async function follow(selector: string, text: string): Promise<void> {
    const links = await page.$$(selector);
    for (const l of links) {
      if ((await l.evaluate((a) => a.textContent)) === text) {
        await Promise.all([page.waitForNavigation(), l.click()]);
        return;
      }
    }
    throw new Error(`no link “${text}” in ${selector}`);
  }

  it('asks for the token, refuses a wrong one, and keeps the session in an HttpOnly cookie', async () => {
    await page.goto(`${world.base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await shot('01-login');
    await page.type('#token', 'wrong-token');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(await page.$eval('.error', (e) => e.textContent)).toBe('口令不正确。');
    // The 401 of the wrong try is expected; nothing else may go wrong.
    problems.splice(0, problems.length);
    await page.type('#token', TOKEN);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(new URL(page.url()).pathname).toBe('/');
    const cookie = (await browser.cookies()).find((c) => c.name === 'ib_dashboard');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Strict');
    expect(cookie?.value).not.toContain(TOKEN);
  });

  it('shows the province: numbers equal /rate, ranked bars with their table, trend, failures', async () => {
    expect(await page.$eval('h1', (e) => e.textContent)).toBe('福建省 2020年第二季度检查情况');
    await expectRateMatches('福建', '2020Q2');
    expect(await page.$$eval('#ranking svg', (s) => s.length)).toBe(1);
    expect(await page.$$eval('#trend svg', (s) => s.length)).toBe(1);
    expect(await page.$$eval('#ranking tbody tr', (r) => r.length)).toBe(11);
    expect(await page.$eval('#failures h2', (e) => e.textContent)).toMatch(/不合格网站和新媒体（\d+个）/);
    expect(await page.$$eval('script', (s) => s.length)).toBe(0);
    const since = await page.$$eval('#failures tbody td', (tds) => tds.map((td) => td.textContent));
    expect(since).toContain('连续2期（自2020年第一季度起）');
    await shot('02-province');
    expect(problems).toEqual([]);
  });

  it('drills down to the city and the district by the ranking table’s links, numbers equal /rate', async () => {
    await follow('#ranking tbody a', '福州市');
    expect(await page.$eval('h1', (e) => e.textContent)).toBe('福州市 2020年第二季度检查情况');
    await expectRateMatches('福州', '2020Q2');
    await shot('03-city');
    await follow('#ranking tbody a', '鼓楼区');
    expect(await page.$eval('h1', (e) => e.textContent)).toBe('鼓楼区 2020年第二季度检查情况');
    await expectRateMatches('鼓楼区', '2020Q2');
    const row = await page.$eval('#failures tbody tr', (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(row).toContain('鼓楼区示例网站');
    expect(row).toContain('否决');
    expect(row).toContain('本期');
    expect(row).toContain('鼓楼区<b>示例</b>局');
    await shot('04-district');
    expect(problems).toEqual([]);
  });

  it('goes back up by the breadcrumbs and to another round by its link', async () => {
    await follow('nav.crumbs a', '福建省');
    expect(await page.$eval('h1', (e) => e.textContent)).toBe('福建省 2020年第二季度检查情况');
    await follow('.rounds a', '2020年第一季度');
    expect(await page.$eval('h1', (e) => e.textContent)).toBe('福建省 2020年第一季度检查情况');
    expect(await page.$eval('.sample', (e) => e.textContent)).toContain('示例数据');
    await expectRateMatches('福建', '2020Q1');
    await shot('05-sample-round');
    expect(problems).toEqual([]);
  });

  it('prints without the navigation', async () => {
    await page.emulateMediaType('print');
    expect(await page.$eval('nav.crumbs', (e) => getComputedStyle(e).display)).toBe('none');
    expect(await page.$eval('#summary table', (e) => getComputedStyle(e).display)).toBe('table');
    await shot('06-print');
    const pdf = await page.pdf({ format: 'A4' });
    await writeFile(path.join(SHOTS, 'print.pdf'), pdf);
    expect(Buffer.from(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await page.emulateMediaType('screen');
    expect(problems).toEqual([]);
  });
});
