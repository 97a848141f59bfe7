/**
 * The e2e suite's browser: Debian's Chromium driven by playwright-core (its version matched to the
 * Chromium's), one fresh context per journey. A journey fails on any console error, uncaught page
 * error, failed request or HTTP error response it did not declare, and every page it checks is
 * screenshotted to e2e/artifacts/ and run through axe-core (serious or critical violations fail).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = resolve(import.meta.dirname, 'artifacts');

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function launchBrowser(): Promise<Browser> {
  // playwright-core gives each launch a fresh temporary profile (user-data-dir) and removes it on close.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A desktop screen, or a witness's phone (a common Android size, touch, mobile viewport meta honoured). */
const DEVICES = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
} as const;
export type Device = keyof typeof DEVICES;

interface ExpectedFailure {
  status: number;
  path: string;
}

export interface Journey {
  page: Page;
  /** Declares an HTTP error the journey provokes on purpose (a wrong password's 401). */
  expectFailure(status: number, path: string): void;
  /** Screenshots the page as it is now and fails on serious or critical accessibility violations. */
  check(name: string): Promise<void>;
  /**
   * Resolves once no request of the page has been in flight for a moment: leaving a page earlier
   * would cut its downloads short (an app cancels what a page it leaves still fetches).
   */
  quiet(): Promise<void>;
}

/** How long no request may be in flight for the page to count as quiet. */
const QUIET_MS = 300;

/**
 * Runs one journey in a fresh browser context. It fails on anything unexpected seen on the way;
 * when a step fails, the page is screenshotted (`<name>-failed.png`) and what was seen is told.
 */
export async function runJourney(
  browser: Browser,
  baseURL: string,
  name: string,
  steps: (journey: Journey) => Promise<void>,
  device: Device = 'desktop',
): Promise<void> {
  const context: BrowserContext = await browser.newContext({
    baseURL,
    locale: 'es-CO',
    timezoneId: 'America/Bogota',
    ...DEVICES[device],
  });
  // Generous: `pnpm test` runs every project at once on 2 cores, and the page shares them.
  context.setDefaultTimeout(45_000);
  const page = await context.newPage();
  const expected: ExpectedFailure[] = [];
  const problems: string[] = [];
  const isExpected = (status: number, url: string) =>
    expected.some((failure) => failure.status === status && new URL(url).pathname === failure.path);

  let inFlight = 0;
  page.on('request', () => {
    inFlight += 1;
  });
  const settled = () => {
    inFlight -= 1;
  };
  page.on('requestfinished', settled);
  page.on('requestfailed', settled);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', async (request) => {
    // Chromium reports a response body the page read through response.body.getReader() as
    // ERR_ABORTED even when it was read to its end (an app reading server-sent events that way):
    // such a stream is judged by what the page shows, a broken one fails the page's own steps.
    const failure = request.failure()?.errorText;
    const response = failure === 'net::ERR_ABORTED' ? await request.response().catch(() => null) : null;
    if (response?.ok() && (response.headers()['content-type'] ?? '').startsWith('text/event-stream')) return;
    problems.push(`request failed: ${request.method()} ${request.url()} ${failure}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400 && !isExpected(response.status(), response.url())) {
      problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    }
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // Chromium also logs every HTTP error response; those are judged by the response handler above.
    const status = /the server responded with a status of (\d+)/.exec(message.text())?.[1];
    if (status && message.location().url) return;
    problems.push(`console error: ${message.text()}`);
  });

  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  let shots = 0;
  const journey: Journey = {
    page,
    expectFailure: (status, path) => expected.push({ status, path }),
    async quiet() {
      let quietSince = Date.now();
      while (Date.now() - quietSince < QUIET_MS) {
        if (inFlight > 0) quietSince = Date.now();
        await new Promise((done) => setTimeout(done, 50));
      }
    },
    async check(pageName) {
      shots += 1;
      await page.screenshot({
        path: resolve(ARTIFACTS_DIR, `${name}-${String(shots).padStart(2, '0')}-${pageName}.png`),
        fullPage: true,
      });
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (context: Document) => Promise<AxeResults> } }).axe;
        const results = await axe.run(document);
        return results.violations
          .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
          .map(
            (violation) =>
              `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes
                .slice(0, 3)
                .map((node) => `${node.target.join(' ')} ${node.html.slice(0, 160)}`)
                .join('; ')})`,
          );
      });
      if (violations.length > 0) {
        throw new Error(`accessibility violations on ${pageName}:\n${violations.join('\n')}`);
      }
    },
  };
  try {
    await steps(journey);
  } catch (error) {
    await page.screenshot({ path: resolve(ARTIFACTS_DIR, `${name}-failed.png`), fullPage: true }).catch(() => {});
    const seen = problems.length > 0 ? `\nseen during the journey ${name}:\n${problems.join('\n')}` : '';
    throw new Error(`${error instanceof Error ? error.message : String(error)}${seen}`, { cause: error });
  } finally {
    await context.close();
  }
  if (problems.length > 0) throw new Error(`the journey ${name} saw:\n${problems.join('\n')}`);
}

interface AxeResults {
  violations: Array<{
    id: string;
    impact: string | null;
    help: string;
    nodes: Array<{ target: string[]; html: string }>;
  }>;
}

/**
 * For a spec file: one Chromium for all its journeys, launched before them and closed after them.
 * Returns the file's `runJourney`, the browser given.
 */
export function chromiumForThisFile() {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return (baseURL: string, name: string, steps: (journey: Journey) => Promise<void>, device?: Device) => {
    if (!browser) throw new Error('Chromium starts before the file runs its journeys');
    return runJourney(browser, baseURL, name, steps, device);
  };
}
