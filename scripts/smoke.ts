/**
 * Proves the README's promise on this machine: `pnpm start` with nothing configured brings the
 * system up on an embedded PostgreSQL, serves the web app on one address that routes /api/* to
 * the services, a person can register, sign in, call /api/auth/me, refresh and sign out, e14-service accepts core's tokens and fills up with the demo election (results and
 * alerts), dashboard-ia is healthy and accepts core's tokens, the READMEs' e14 and dashboard-ia
 * examples run as written, and SIGTERM stops every process. Run after
 * `pnpm build`: `tsx scripts/smoke.ts`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLauncher } from './launcher.js';
import { readmeDashboardExamples, readmeE14Examples } from './readme-examples.js';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const stateDir = mkdtempSync(join(tmpdir(), 'castor-smoke-'));
let launcher = startLauncher(stateDir);

function fail(message: string): never {
  process.stderr.write(`smoke test failed: ${message}\n--- launcher output ---\n${launcher.output()}\n`);
  launcher.child.kill('SIGKILL');
  process.exit(1);
}

/** The first match of `pattern` in what the launcher printed; the smoke test fails if it never comes. */
async function printed(what: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  const match = await launcher.waitFor(what, pattern, timeoutMs).catch((error: Error) => fail(error.message));
  return match[1] ?? match[0];
}

async function call(
  base: string,
  path: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const base = await printed('"CASTOR is running"', /core-service\s+(http:\/\/\S+)/, 120_000);
const expect = (condition: boolean, message: string) => condition || fail(message);

// The one address a person opens: the built app, and /api/* routed to the services through it.
const web = await printed('the web address', /CASTOR is running: open (http:\/\/\S+)/, 10_000);
const page = await fetch(`${web}/noche-electoral`);
const html = await page.text();
expect(
  page.status === 200 && html.includes('<div id="root">') && /<script type="module"[^>]+src="\/assets\//.test(html),
  `the web app's index.html is served at ${web} (${page.status})`,
);
const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
const bundle = await fetch(`${web}${script}`);
expect(
  bundle.status === 200 && /immutable/.test(bundle.headers.get('cache-control') ?? ''),
  `the app's hashed script is served with a long cache (${bundle.status})`,
);
const health = await call(web, '/api/health');
expect(
  health.status === 200 && health.body.service === 'core-service',
  `/api/health through the web address (${health.status})`,
);
expect((await call(web, '/api/metrics')).status === 404, 'metrics stay internal at the web address');

const credentials = { email: 'smoke@castor.test', password: 'a smoke test passphrase', name: 'Smoke' };
expect((await call(base, '/api/auth/register', { method: 'POST', body: credentials })).status === 201, 'register');
const login = await call(base, '/api/auth/login', { method: 'POST', body: credentials });
expect(login.status === 200, 'login');
const me = await call(base, '/api/auth/me', { token: String(login.body.accessToken) });
expect(me.status === 200 && me.body.email === credentials.email, 'me');
const refreshed = await call(base, '/api/auth/refresh', {
  method: 'POST',
  body: { refreshToken: login.body.refreshToken },
});
expect(refreshed.status === 200, 'refresh');
const token = String(refreshed.body.accessToken);
expect((await call(base, '/api/auth/logout', { method: 'POST', token, body: {} })).status === 200, 'logout');
expect((await call(base, '/api/auth/me', { token })).status === 401, 'token rejected after logout');
const admin = /first admin:\s+(\S+)[\s\S]*its password:\s+(\S+)/.exec(launcher.output());
expect(Boolean(admin), 'the first admin is printed');
const adminLogin = await call(base, '/api/auth/login', {
  method: 'POST',
  body: { email: admin?.[1], password: admin?.[2] },
});
expect(
  adminLogin.status === 200 && (adminLogin.body.user as { role: string }).role === 'admin',
  'first admin signs in',
);
const adminToken = String(adminLogin.body.accessToken);

// dashboard-ia: healthy, reachable through the web address, and it accepts core's tokens.
const dashboard = await printed('dashboard-ia', /dashboard-ia\s+(http:\/\/\S+)/, 10_000);
const dashboardHealth = await call(dashboard, '/api/health');
expect(
  dashboardHealth.status === 200 && dashboardHealth.body.service === 'dashboard-ia',
  `dashboard-ia /api/health (${dashboardHealth.status} ${JSON.stringify(dashboardHealth.body)})`,
);
expect((await call(dashboard, '/api/campaign/candidates')).status === 401, 'dashboard-ia requires a token');
const candidates = await call(web, '/api/campaign/candidates', { token: adminToken });
expect(
  candidates.status === 200 && Array.isArray(candidates.body.candidates),
  `the admin's GET /api/campaign/candidates through the web address (${candidates.status})`,
);

const e14 = await printed('e14-service', /e14-service\s+(http:\/\/\S+)/, 10_000);
const demo = await printed('the demo election', /demo election (\S+) loaded/, 600_000);
expect((await call(e14, '/api/results?election=x&corporation=PRESIDENTE')).status === 401, 'e14 requires a token');
const results = await call(e14, `/api/results?election=${demo}&corporation=PRESIDENTE`, { token: adminToken });
const coverage = results.body.coverage as { mesasExpected: number; mesasIn: number } | undefined;
expect(
  results.status === 200 &&
    coverage !== undefined &&
    coverage.mesasIn > 0 &&
    coverage.mesasIn <= coverage.mesasExpected,
  `demo results populated (${results.status} ${JSON.stringify(coverage)})`,
);
const alerts = await call(e14, `/api/alerts?election=${demo}`, { token: adminToken });
expect(alerts.status === 200 && (alerts.body.items as unknown[]).length > 0, `demo alerts listed (${alerts.status})`);

// The demo scans go through the document pipeline (the bundled read workers and the local model).
await printed('the demo sheets', /demo sheets uploaded/, 120_000);
// Once the demo is in, the address to open is printed again, last, not buried under the loading logs.
await printed('the address again after the demo', /demo sheets uploaded[\s\S]*CASTOR is running: open http/, 10_000);
const readingDeadline = Date.now() + 180_000;
let documents: Record<string, number> = {};
while (Date.now() < readingDeadline) {
  const status = await call(e14, '/api/pipeline/status', { token: adminToken });
  documents = status.body.documents as Record<string, number>;
  if ((documents.queued ?? 0) + (documents.processing ?? 0) === 0) break;
  await new Promise((done) => setTimeout(done, 1_000));
}
expect(
  (documents.done ?? 0) > 0 && (documents.failed ?? 0) + (documents.dead ?? 0) === 0,
  `demo scans read and stored (${JSON.stringify(documents)})`,
);

// The READMEs' e14 examples, as written: signed in the way they sign in (the first admin from
// secrets.env in the state folder), every GET answers 200 and every election they send is one
// `pnpm start` loaded. They assume the usual port; the smoke test uses a free one.
const secrets = new Map(
  [...readFileSync(join(stateDir, 'secrets.env'), 'utf8').matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map(
    ([, name = '', value = '']) => [name, value],
  ),
);
const readmeLogin = await call(base, '/api/auth/login', {
  method: 'POST',
  body: { email: secrets.get('ADMIN_EMAIL'), password: secrets.get('ADMIN_PASSWORD') },
});
expect(readmeLogin.status === 200, `the README's admin sign-in from secrets.env (${readmeLogin.status})`);
const readmeToken = String(readmeLogin.body.accessToken);
const examples = readmeE14Examples(root);
expect(examples.gets.length >= 5, `the READMEs' e14 examples found (${examples.gets.length})`);
for (const { file, path } of examples.gets) {
  const answer = await call(e14, path, { token: readmeToken });
  expect(answer.status === 200, `${file}: GET ${path} answered ${answer.status} ${JSON.stringify(answer.body)}`);
}
const loaded = (await call(e14, '/api/elections', { token: readmeToken })).body.items as Array<{ code: string }>;
for (const { file, code } of examples.elections) {
  expect(
    loaded.some((election) => election.code === code),
    `${file}: an example sends election ${code}, which pnpm start does not load (it loads ${demo})`,
  );
}

// The READMEs' dashboard-ia examples, as written and in order (follow a candidate, import posts, read).
const dashboardExamples = readmeDashboardExamples(root);
expect(
  dashboardExamples.some((example) => example.path === '/api/media/import'),
  "the README's dashboard-ia import example found",
);
for (const { file, method, path, contentType, body } of dashboardExamples) {
  const response = await fetch(`${dashboard}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${readmeToken}`,
      ...(contentType === undefined ? {} : { 'content-type': contentType }),
    },
    body: body ?? null,
  });
  const answer = await response.text();
  expect(response.ok, `${file}: ${method} ${path} answered ${response.status} ${answer}`);
}

async function stopLauncher(): Promise<void> {
  const code = await launcher.stop();
  expect(code === 0 && launcher.output().includes('stopped'), `clean stop (exit code ${code})`);
}
await stopLauncher();

// The first admin's password is printed only by the run that generated it; later runs say where it is kept.
launcher = startLauncher(stateDir);
await printed('the second start', /Ctrl-C stops everything/, 120_000);
expect(
  !launcher.output().includes(String(admin?.[2])) && /its password:\s+kept in \S*secrets\.env/.test(launcher.output()),
  'a later start does not print the first admin password',
);
await stopLauncher();
rmSync(stateDir, { recursive: true, force: true });
process.stdout.write(
  'smoke test passed: start, web app and /api through its address, register, login, me, refresh, logout, admin, dashboard-ia health and admin request, e14 demo results and alerts, demo scans read, README examples, clean stop, no password on restart\n',
);
