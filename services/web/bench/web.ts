/**
 * The web app's benchmark (bench/results/web.json; issue 12): real headless Chromium (the e2e
 * suite's, e2e/browser.ts) against CASTOR started as `pnpm start` starts it (the e2e global setup:
 * the built services, the gateway serving the built app, the demo election), all on loopback.
 * - Sign-in route: the JavaScript it downloads until its form is interactive and the network is
 *   idle, gzipped here. Budget ≤ 300 KB.
 * - Election night: from navigation to the counts on screen (a Performance mark set in the first
 *   animation frame showing them), in a signed-in tab, so each load also restores the session.
 *   Reference: a static page showing the same counts, served from loopback, loaded in the same
 *   browser alternately with the app. Budget p95 < 1.5 s.
 * - Review desk with ≥ 10,000 pending tasks (seeded by one INSERT … SELECT into e14_db's
 *   review_tasks, one task per stored demo field): from the Enter that answers a cell to the next
 *   cell's input taking focus, ready for typing. Reference: the time the browser spent on the two
 *   requests the desk waits for (the answer, the next lease), per cell. Budget p95 < 100 ms.
 * - Results drill-down with a generated 120,000-mesa election loaded through the API (as
 *   e14-service's scale bench does): from the click on a child territory to its results on screen,
 *   nacional down to a mesa. Reference: the browser's time on that territory's GET /api/results.
 *   Budget p95 < 300 ms per level.
 * Run from the repository root: `pnpm bench web` (or `node --import tsx services/web/bench/web.ts`).
 * CASTOR_BENCH_STATE_DIR keeps the started system's state (database, demo election) between runs;
 * CASTOR_BENCH_WEB_ONLY=resultsDrillDown (comma-separated keys of web.json) runs only those parts
 * and prints their figures without rewriting web.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateElection } from '@castor/e14-synth';
import { loadElection } from '@castor/e14-synth-sheets/demo';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { machine } from '../../../bench/support.js';
import { launchBrowser } from '../e2e/browser.js';
import { castorApi } from '../e2e/castor-api.js';
import startCastorForE2e, { type Castor } from '../e2e/global-setup.js';

const root = resolve(import.meta.dirname, '../../..');

const SIGN_IN_JS_BUDGET_KB = 300;
const ELECTION_NIGHT_LOADS = 10;
const ELECTION_NIGHT_BUDGET_P95_MS = 1_500;
const PENDING_TASKS = 10_000;
const REVIEW_WARM_UP_ITEMS = 3;
const REVIEW_ITEMS = 50;
const REVIEW_BUDGET_P95_MS = 100;
const DRILL_DOWN_MESAS = 120_000;
const DRILL_DOWN_ELECTION = 'BENCH-WEB-NACIONAL';
const DRILL_DOWN_PATHS = 12;
const DRILL_DOWN_BUDGET_P95_MS = 300;

/** The UI's words the benchmark looks for (src/i18n/es-CO.ts). */
const UI = {
  email: 'Correo electrónico',
  password: 'Contraseña',
  signIn: 'Ingresar',
  electionNight: 'Noche electoral',
  reviewDesk: 'Mesa de revisión',
  expected: 'Esperadas',
  mesaHasNoChildren: 'La mesa es el último nivel: no tiene territorios debajo.',
};

interface Distribution {
  p50: number;
  p95: number;
  max: number;
}

function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
  const round = (value: number) => Math.round(value * 10) / 10;
  return { p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted.at(-1) ?? 0) };
}

const ratio = (value: number, reference: number) => Number((value / reference).toFixed(2));

/**
 * CASTOR as the e2e suite starts it: its global setup hands the URL through vitest's provide,
 * which is all this stands in for. The state folder is ours to keep or remove.
 */
async function startCastor(stateDir: string): Promise<{ castor: Castor; stop: () => Promise<void> }> {
  process.env.CASTOR_E2E_STATE_DIR = stateDir;
  // Budgets big enough that the benchmark measures the pages, not the limiter (which still counts):
  // every election-night load restores the session with a refresh, all from one address.
  process.env.RATE_LIMIT_AUTH = '100000/hour';
  process.env.RATE_LIMIT_DEFAULT = '100000/hour';
  process.env.RATE_LIMIT_E14_INTAKE = '100000/hour';
  let castor: Castor | undefined;
  const project = {
    provide: (_key: 'castor', value: Castor) => {
      castor = value;
    },
  };
  const stop = await startCastorForE2e(project as unknown as TestProject);
  if (!castor) throw new Error('the e2e setup started CASTOR without telling its URL');
  return { castor, stop };
}

/**
 * e14_db on the embedded server `pnpm start` runs in the state folder: its port is the fourth
 * line of postmaster.pid; the superuser and its loopback-only password are packages/dev-infra's.
 */
function e14DatabaseUrl(stateDir: string): string {
  const port = readFileSync(join(stateDir, 'pg', 'postmaster.pid'), 'utf8')
    .split('\n')[3]
    ?.trim();
  if (!port) throw new Error(`no port in ${stateDir}/pg/postmaster.pid`);
  return `postgres://castor:castor-embedded@127.0.0.1:${port}/e14_db`;
}

async function newContext(browser: Browser, castor: Castor): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL: castor.url,
    locale: 'es-CO',
    timezoneId: 'America/Bogota',
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(30_000);
  // tsx compiles with esbuild's keepNames, which wraps the named functions inside the in-page
  // functions below in a __name() helper that exists only in Node: give the page a harmless one.
  await context.addInitScript({ content: 'window.__name = (target) => target;' });
  return context;
}

async function signIn(page: Page, path: string, credentials: { email: string; password: string }, heading: string) {
  await page.goto(path);
  await page.getByLabel(UI.email).fill(credentials.email);
  await page.getByLabel(UI.password).fill(credentials.password);
  await page.getByRole('button', { name: UI.signIn }).click();
  await page.getByRole('heading', { name: heading }).waitFor();
}

/** Every script the sign-in route downloads until its form can be typed into and the network is idle. */
async function measureSignInJavaScript(browser: Browser, castor: Castor) {
  const context = await newContext(browser, castor);
  try {
    const page = await context.newPage();
    const scripts: Array<Promise<{ path: string; bytes: number; gzipBytes: number }>> = [];
    page.on('response', (response) => {
      if (response.request().resourceType() !== 'script') return;
      scripts.push(
        response.body().then((body) => ({
          path: new URL(response.url()).pathname,
          bytes: body.length,
          gzipBytes: gzipSync(body).length,
        })),
      );
    });
    await page.goto('/ingresar');
    const email = page.getByLabel(UI.email);
    await email.waitFor();
    if (!(await email.isEditable())) throw new Error('the sign-in form is on screen but cannot be typed into');
    await page.waitForLoadState('networkidle');
    const files = await Promise.all(scripts);
    if (files.length === 0) throw new Error('the sign-in route downloaded no script: is the app built?');
    const gzipBytes = files.reduce((sum, file) => sum + file.gzipBytes, 0);
    const gzipKB = Number((gzipBytes / 1024).toFixed(1));
    return {
      route: '/ingresar',
      what: 'every script response until the form is editable and the network idle, gzipped here (zlib level 6)',
      files,
      bytes: files.reduce((sum, file) => sum + file.bytes, 0),
      gzipBytes,
      gzipKB,
      ratioToBudget: ratio(gzipKB, SIGN_IN_JS_BUDGET_KB),
      budget: { maxGzipKB: SIGN_IN_JS_BUDGET_KB, met: gzipKB <= SIGN_IN_JS_BUDGET_KB },
    };
  } finally {
    await context.close();
  }
}

/**
 * Set in every page of a context before its scripts run: marks `counts-on-screen` in the first
 * animation frame where a section naming "Esperadas" shows a number (es-CO thousands with dots).
 */
function markCountsOnScreen(expectedLabel: string): void {
  const shown = () =>
    Array.from(document.querySelectorAll('section')).some(
      (section) =>
        section.textContent?.includes(expectedLabel) &&
        Array.from(section.querySelectorAll('*')).some(
          (element) => element.childElementCount === 0 && /^[\d.]+$/.test(element.textContent?.trim() ?? ''),
        ),
    );
  const check = () => {
    if (shown()) performance.mark('counts-on-screen');
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}

/** Milliseconds from the navigation's start to the counts on screen. */
async function timeToCounts(page: Page, url: string): Promise<number> {
  await page.bringToFront();
  await page.goto(url, { waitUntil: 'commit' });
  const mark = await page.waitForFunction(() => performance.getEntriesByName('counts-on-screen')[0]?.startTime);
  return (await mark.jsonValue()) as number;
}

/** A static page with the same counts the election-night page shows, on its own loopback server. */
async function startReferencePage(): Promise<{ url: string; close: () => Promise<void> }> {
  const html = `<!doctype html><html lang="es-CO"><head><meta charset="utf-8"><title>Referencia</title></head>
<body><main><section><h2>Cobertura</h2><div><p>${UI.expected}</p><p>12.480</p></div></section></main></body></html>`;
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

async function measureElectionNight(browser: Browser, castor: Castor) {
  const reference = await startReferencePage();
  const context = await newContext(browser, castor);
  try {
    await context.addInitScript(markCountsOnScreen, UI.expected);
    const app = await context.newPage();
    await signIn(app, '/ingresar', castor.admin, UI.electionNight);
    const staticPage = await context.newPage();
    const appTimes: number[] = [];
    const referenceTimes: number[] = [];
    // One warm-up load of each, then alternate, so a busy moment of the machine hits both alike.
    for (let load = -1; load < ELECTION_NIGHT_LOADS; load += 1) {
      const referenceMs = await timeToCounts(staticPage, reference.url);
      const appMs = await timeToCounts(app, `${castor.url}/noche-electoral`);
      if (load < 0) continue;
      referenceTimes.push(referenceMs);
      appTimes.push(appMs);
    }
    const page = distribution(appTimes);
    const baseline = distribution(referenceTimes);
    return {
      route: '/noche-electoral',
      what: 'navigation start to the first animation frame showing the counts (a Performance mark), signed-in tab: each load restores the session (POST /api/auth/refresh) and fetches the results',
      loads: ELECTION_NIGHT_LOADS,
      reference: { name: 'static HTML page with the same counts, loopback server, same browser', ...baseline },
      page: { ...page, samples: appTimes.map(Math.round) },
      ratioToReference: { p50: ratio(page.p50, baseline.p50), p95: ratio(page.p95, baseline.p95) },
      budget: { maxP95Ms: ELECTION_NIGHT_BUDGET_P95_MS, met: page.p95 < ELECTION_NIGHT_BUDGET_P95_MS },
    };
  } finally {
    await context.close();
    await reference.close();
  }
}

/**
 * Tops the review queue up to PENDING_TASKS with one INSERT … SELECT: a low-confidence task for
 * stored demo fields that have none yet (the queue, the lease and the desk treat them as any
 * other; their forms have no stored scan, so the desk shows no crop for them).
 */
async function seedReviewTasks(stateDir: string) {
  const client = new pg.Client({ connectionString: e14DatabaseUrl(stateDir) });
  await client.connect();
  try {
    const pending = async () =>
      Number(
        (await client.query<{ count: string }>("SELECT count(*) FROM review_tasks WHERE status = 'pending'")).rows[0]
          ?.count,
      );
    const before = await pending();
    const started = performance.now();
    const inserted = await client.query(
      `INSERT INTO review_tasks (form_id, field_path, reason)
       SELECT fl.form_id, fl.path, 'low_confidence'
       FROM e14_fields fl
       WHERE NOT EXISTS (SELECT 1 FROM review_tasks t WHERE t.form_id = fl.form_id AND t.field_path = fl.path)
       ORDER BY fl.form_id, fl.path
       LIMIT $1
       ON CONFLICT (form_id, field_path) DO NOTHING`,
      [Math.max(0, PENDING_TASKS - before)],
    );
    const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
    const after = await pending();
    if (after < PENDING_TASKS) throw new Error(`only ${after} pending review tasks after seeding`);
    return { pendingBefore: before, inserted: inserted.rowCount ?? 0, seconds, pendingAfter: after };
  } finally {
    await client.end();
  }
}

/** A reviewer account, the way an admin makes one: an invitation, then registration with its token. */
async function inviteReviewer(castor: Castor) {
  const { accessToken } = await castorApi<{ accessToken: string }>(castor, '/api/auth/login', { body: castor.admin });
  const email = `bench-reviewer-${Date.now()}@castor.test`;
  const password = 'una clave de revisión larga';
  const { invitationToken } = await castorApi<{ invitationToken: string }>(castor, '/api/users/invitations', {
    token: accessToken,
    body: { email, role: 'reviewer' },
  });
  await castorApi(castor, '/api/auth/register', {
    body: { email, password, name: 'Revisora de benchmark', invitationToken },
  });
  return { email, password };
}

interface Keystroke {
  /** Enter's keydown to the next cell's input taking focus, writable. */
  totalMs: number;
  /** The browser's time on the answer (POST /api/review/submit) and the next lease (GET /api/review/pending). */
  apiMs: number;
}

/**
 * In the desk's page: from each Enter on an input to the focus of another, writable input (the
 * next cell's, mounted afresh per task), with the resource timings of the two requests in between.
 */
function recordKeystrokes(): void {
  const recorded: Keystroke[] = [];
  (window as unknown as { keystrokes: Keystroke[] }).keystrokes = recorded;
  let pressed: { at: number; input: HTMLInputElement } | null = null;
  document.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Enter' || !(event.target instanceof HTMLInputElement)) return;
      performance.clearResourceTimings();
      pressed = { at: event.timeStamp, input: event.target };
    },
    true,
  );
  document.addEventListener('focusin', (event) => {
    const input = event.target;
    if (!pressed || !(input instanceof HTMLInputElement) || input === pressed.input || input.readOnly) return;
    const since = pressed.at;
    const apiMs = performance
      .getEntriesByType('resource')
      .filter(
        (entry) => entry.startTime >= since && /\/api\/review\/(submit|pending)$/.test(new URL(entry.name).pathname),
      )
      .reduce((sum, entry) => sum + (entry as PerformanceResourceTiming).responseEnd - entry.startTime, 0);
    recorded.push({ totalMs: performance.now() - since, apiMs });
    pressed = null;
  });
}

async function measureReviewDesk(browser: Browser, castor: Castor, stateDir: string) {
  const seeded = await seedReviewTasks(stateDir);
  const reviewer = await inviteReviewer(castor);
  const context = await newContext(browser, castor);
  try {
    const page = await context.newPage();
    await signIn(page, '/revision', reviewer, UI.reviewDesk);
    await page.evaluate(recordKeystrokes);
    const ready = () =>
      page.waitForFunction(() => {
        const active = document.activeElement;
        return active instanceof HTMLInputElement && !active.readOnly && active.value === '';
      });
    for (let item = 0; item < REVIEW_WARM_UP_ITEMS + REVIEW_ITEMS; item += 1) {
      await ready();
      await page.keyboard.type(String(10 + (item % 90)));
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        (count) => (window as unknown as { keystrokes: unknown[] }).keystrokes.length >= count,
        item + 1,
        { timeout: 15_000 },
      );
    }
    const keystrokes = (await page.evaluate(() => (window as unknown as { keystrokes: Keystroke[] }).keystrokes)).slice(
      REVIEW_WARM_UP_ITEMS,
    );
    const total = distribution(keystrokes.map((keystroke) => keystroke.totalMs));
    const requests = distribution(keystrokes.map((keystroke) => keystroke.apiMs));
    return {
      route: '/revision',
      what: 'keydown of Enter on an answer to the next cell’s value input taking focus, writable (focusin), one reviewer giving first entries',
      seeding: {
        how: 'one INSERT … SELECT into e14_db.review_tasks: a low_confidence task per stored demo field without one, oldest forms first; the demo’s own scanned-sheet tasks come first in the queue',
        ...seeded,
      },
      warmUpItems: REVIEW_WARM_UP_ITEMS,
      items: keystrokes.length,
      keystrokeToNextMs: total,
      reference: {
        name: 'the same cells’ POST /api/review/submit + GET /api/review/pending, browser resource timing',
        ...requests,
      },
      ratioToReference: { p50: ratio(total.p50, requests.p50), p95: ratio(total.p95, requests.p95) },
      budget: { maxP95Ms: REVIEW_BUDGET_P95_MS, met: total.p95 < REVIEW_BUDGET_P95_MS },
    };
  } finally {
    await context.close();
  }
}

/** Loads the national-scale election through the gateway's intake, unless a kept state holds it. */
async function loadNationalElection(castor: Castor) {
  const { accessToken } = await castorApi<{ accessToken: string }>(castor, '/api/auth/login', { body: castor.admin });
  const { items } = await castorApi<{ items: Array<{ code: string }> }>(castor, '/api/elections', {
    token: accessToken,
  });
  if (items.some((item) => item.code === DRILL_DOWN_ELECTION)) return { alreadyLoaded: true };
  const election = generateElection({
    seed: 14,
    scale: 'national',
    corporations: ['PRESIDENTE'],
    presidentialRound: 2,
    electionCode: DRILL_DOWN_ELECTION,
  });
  const report = await loadElection({ baseUrl: castor.url, token: accessToken }, election, { official: false });
  if (report.stored < DRILL_DOWN_MESAS) throw new Error(`only ${report.stored} of ${DRILL_DOWN_MESAS} sheets stored`);
  return {
    mesas: report.mesas,
    stored: report.stored,
    seconds: Number(((report.milliseconds.divipol + report.milliseconds.sheets) / 1000).toFixed(1)),
  };
}

interface Drill {
  depth: number;
  /** The click on a child's link to its heading on screen with nothing loading (aria-busy). */
  totalMs: number;
  /** The browser's time on that territory's GET /api/results. */
  apiMs: number;
}

/**
 * In the results page: from each click on a territory link to the first animation frame whose
 * heading names that territory's code while nothing is busy, with its results request's timing.
 */
function recordDrills(): void {
  const recorded: Drill[] = [];
  (window as unknown as { drills: Drill[] }).drills = recorded;
  document.addEventListener(
    'click',
    (event) => {
      const link = event.target instanceof Element ? event.target.closest('a') : null;
      const code = link ? new URL(link.href).searchParams.get('territorio') : null;
      if (!code) return;
      const since = event.timeStamp;
      performance.clearResourceTimings();
      const check = () => {
        const shown = Array.from(document.querySelectorAll('h3')).some((heading) =>
          heading.textContent?.endsWith(`(${code})`),
        );
        if (!shown || document.querySelector('[aria-busy="true"]')) {
          requestAnimationFrame(check);
          return;
        }
        const request = performance
          .getEntriesByType('resource')
          .find(
            (entry) =>
              entry.name.includes('/api/results?') && new URL(entry.name).searchParams.get('territory') === code,
          );
        recorded.push({
          depth: code.split('-').length,
          totalMs: performance.now() - since,
          apiMs: request ? (request as PerformanceResourceTiming).responseEnd - request.startTime : Number.NaN,
        });
      };
      requestAnimationFrame(check);
    },
    true,
  );
}

async function measureResultsDrillDown(browser: Browser, castor: Castor) {
  const loaded = await loadNationalElection(castor);
  const context = await newContext(browser, castor);
  try {
    const page = await context.newPage();
    await signIn(page, '/ingresar', castor.admin, UI.electionNight);
    const drills: Drill[] = [];
    for (let path = 0; path < DRILL_DOWN_PATHS; path += 1) {
      await page.goto(`/resultados?eleccion=${DRILL_DOWN_ELECTION}`);
      await page.evaluate(recordDrills);
      // Nacional down to a mesa, a different child at each level on each path.
      for (let depth = 0; ; depth += 1) {
        const links = page.locator('section[aria-labelledby="children-title"] tbody a');
        await links.first().waitFor();
        await links.nth((path * 7 + depth * 3) % (await links.count())).click();
        await page.waitForFunction(
          (expected) => (window as unknown as { drills: unknown[] }).drills.length >= expected,
          depth + 1,
        );
        if ((await page.getByText(UI.mesaHasNoChildren).count()) > 0) break;
      }
      drills.push(...(await page.evaluate(() => (window as unknown as { drills: Drill[] }).drills)));
    }
    const levels = [...new Set(drills.map((drill) => drill.depth))].sort((a, b) => a - b);
    const perLevel = levels.map((depth) => {
      const atLevel = drills.filter((drill) => drill.depth === depth);
      const total = distribution(atLevel.map((drill) => drill.totalMs));
      const request = distribution(atLevel.map((drill) => drill.apiMs));
      return {
        depth,
        drills: atLevel.length,
        clickToResultsMs: total,
        reference: request,
        ratioToReference: { p50: ratio(total.p50, request.p50), p95: ratio(total.p95, request.p95) },
        met: total.p95 < DRILL_DOWN_BUDGET_P95_MS,
      };
    });
    return {
      measured: true,
      route: '/resultados',
      what: 'click on a child territory’s link to the first animation frame showing its heading with nothing loading (aria-busy), nacional down to a mesa; depth = segments of the territory code (1 departamento … 5 mesa)',
      election: {
        code: DRILL_DOWN_ELECTION,
        generated: `e14-synth national scale, ${DRILL_DOWN_MESAS} mesas, Presidente`,
        ...loaded,
      },
      paths: DRILL_DOWN_PATHS,
      reference: { name: 'the browser’s time on the same territory’s GET /api/results (resource timing)' },
      perLevel,
      budget: { maxP95MsPerLevel: DRILL_DOWN_BUDGET_P95_MS, met: perLevel.every((level) => level.met) },
    };
  } finally {
    await context.close();
  }
}

/** The parts, by their key in web.json; CASTOR_BENCH_WEB_ONLY names some to run only those. */
const PARTS = ['signInJavaScript', 'electionNight', 'reviewDesk', 'resultsDrillDown'] as const;
type Part = (typeof PARTS)[number];

function partsToRun(): Part[] {
  const only = process.env.CASTOR_BENCH_WEB_ONLY?.split(',').filter(Boolean);
  if (!only) return [...PARTS];
  const unknown = only.filter((name) => !PARTS.includes(name as Part));
  if (unknown.length > 0) throw new Error(`CASTOR_BENCH_WEB_ONLY: unknown ${unknown.join(', ')}; known: ${PARTS}`);
  return only as Part[];
}

export async function benchWeb(parts: readonly Part[] = PARTS): Promise<Record<string, unknown>> {
  const keptStateDir = process.env.CASTOR_BENCH_STATE_DIR;
  const stateDir = keptStateDir ? resolve(keptStateDir) : mkdtempSync(join(tmpdir(), 'castor-bench-web-'));
  mkdirSync(stateDir, { recursive: true });
  const startedAt = performance.now();
  const { castor, stop } = await startCastor(stateDir);
  const startSeconds = Math.round((performance.now() - startedAt) / 1000);
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const opened = browser;
    const measure: Record<Part, () => Promise<{ budget: unknown }>> = {
      signInJavaScript: () => measureSignInJavaScript(opened, castor),
      electionNight: () => measureElectionNight(opened, castor),
      reviewDesk: () => measureReviewDesk(opened, castor, stateDir),
      resultsDrillDown: () => measureResultsDrillDown(opened, castor),
    };
    const measured: Partial<Record<Part, { budget: unknown }>> = {};
    for (const part of parts) measured[part] = await measure[part]();
    return {
      benchmark: 'web',
      date: new Date().toISOString(),
      machine: machine(),
      method: `headless Chromium ${browser.version()} (playwright-core) against CASTOR started as pnpm start does (e2e global setup, demo election ${castor.electionCode}; started in ${startSeconds} s), loopback`,
      ...measured,
      budgets: {
        signInJavaScriptGzipKB: measured.signInJavaScript?.budget,
        electionNightP95Ms: measured.electionNight?.budget,
        reviewKeystrokeP95Ms: measured.reviewDesk?.budget,
        resultsDrillDownP95MsPerLevel: measured.resultsDrillDown?.budget,
      },
    };
  } finally {
    await browser?.close();
    await stop();
    if (!keptStateDir) rmSync(stateDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.filename === resolve(process.argv[1])) {
  const parts = partsToRun();
  const result = await benchWeb(parts);
  // A partial run is for working on one page: it prints its figures and leaves web.json whole.
  if (parts.length === PARTS.length) {
    mkdirSync(resolve(root, 'bench/results'), { recursive: true });
    writeFileSync(resolve(root, 'bench/results/web.json'), `${JSON.stringify(result, null, 2)}\n`);
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
