import type { Page } from 'playwright-core';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { castorApi } from './castor-api.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

/** A reviewer account, the way an admin makes one: an invitation, then registration with its token. */
async function inviteReviewer(adminToken: string, name: string) {
  const email = `${name}-${Date.now()}@castor.test`;
  const password = 'una clave de revisión larga';
  const { invitationToken } = await castorApi<{ invitationToken: string }>(castor, '/api/users/invitations', {
    token: adminToken,
    body: { email, role: 'reviewer' },
  });
  await castorApi(castor, '/api/auth/register', { body: { email, password, name, invitationToken } });
  return { email, password };
}

async function signInAt(page: Page, path: string, credentials: { email: string; password: string }) {
  await page.goto(path);
  await page.getByLabel('Correo electrónico').fill(credentials.email);
  await page.getByLabel('Contraseña').fill(credentials.password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.getByRole('heading', { name: 'Mesa de revisión' }).waitFor();
}

interface LeasedTask {
  taskId: number;
  entries: number;
  crop: { url: string | null };
  lease: { token: string };
}
interface Leased extends LeasedTask {
  /** The task after it, leased ahead so its crops are fetched before Enter. */
  upcoming: LeasedTask | null;
  /** The response as sent, to check what it does not say. */
  raw: string;
}

/** The next task the desk leases on this page (set up before the page asks). */
function nextLease(page: Page): Promise<Leased> {
  return page
    .waitForResponse((response) => new URL(response.url()).pathname === '/api/review/pending')
    .then(async (response) => {
      const raw = await response.text();
      const { task, upcoming } = JSON.parse(raw) as { task: LeasedTask | null; upcoming: LeasedTask | null };
      if (!task) throw new Error('the desk leased no task');
      return { ...task, upcoming, raw };
    });
}

/** The desk's renewal of this task's lease (set up before it is due). */
function nextRenewal(page: Page, taskId: number) {
  return page.waitForResponse(
    (response) =>
      response.request().method() === 'POST' &&
      new URL(response.url()).pathname === `/api/review/tasks/${taskId}/lease`,
    { timeout: 20_000 },
  );
}

/** One figure of the reviewer's own stat strip. */
const myFigure = (page: Page, label: string) =>
  page
    .getByRole('region', { name: 'Su ritmo y su precisión' })
    .getByText(label, { exact: true })
    .locator('xpath=following-sibling::dd[1]');

/**
 * The task `wanted` for this reviewer through the API, skipping whatever the queue offers first
 * (another reviewer's lease may lapse in between and put an older cell first).
 */
async function pendingTask(token: string, wanted: number | undefined) {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const { task } = await castorApi<{ task: LeasedTask }>(castor, '/api/review/pending', { token });
    if (wanted === undefined || task.taskId === wanted) return task;
    await castorApi(castor, `/api/review/tasks/${task.taskId}/skip`, { token, body: { leaseToken: task.lease.token } });
  }
  throw new Error(`task ${wanted} was not handed out`);
}

/**
 * The crops of the leased cell, fetched with the token and shown as object URLs: every task of the
 * demo's queue has a scan to read from (its structured forms, which have none, need no review).
 */
async function cropsShown(page: Page, leased?: Leased) {
  if (leased) expect(leased.crop.url).not.toBeNull();
  const cell = page.getByRole('img', { name: /^Celda de «/ });
  await cell.waitFor();
  expect(await cell.getAttribute('src')).toMatch(/^blob:/);
  await page.getByRole('img', { name: /^Número y nombre impresos de «/ }).waitFor();
}

test('two reviewers clear a review cell by keyboard: blind double entry agrees and the cell leaves the queue; the desk keeps the lease, preloads the next cell and skips one', async () => {
  const { accessToken: adminToken } = await castorApi<{ accessToken: string }>(castor, '/api/auth/login', {
    body: castor.admin,
  });
  // The demo's scanned sheets are read in the background: wait for their first review cells.
  for (let attempt = 0; ; attempt += 1) {
    const queue = await castorApi<{ tasks: unknown[] }>(castor, '/api/review/tasks?status=pending&limit=1', {
      token: adminToken,
    });
    if (queue.tasks.length > 0) break;
    if (attempt > 60) throw new Error('the demo produced no review task in a minute');
    await new Promise((done) => setTimeout(done, 1_000));
  }
  const [first, second] = [await inviteReviewer(adminToken, 'lectora-a'), await inviteReviewer(adminToken, 'lector-b')];

  let leasedA: Leased | undefined;
  await runJourney(castor.url, 'review-first-entry', async (journey) => {
    const { page } = journey;
    const cropsAsked: string[] = [];
    page.on('request', (request) => cropsAsked.push(new URL(request.url()).pathname));
    const lease = nextLease(page);
    await signInAt(page, '/revision', first);
    const leased = await lease;
    leasedA = leased;
    const renewal = nextRenewal(page, leased.taskId);
    await page.getByText('Primera lectura').waitFor();
    await cropsShown(page, leased);
    await expect.poll(() => myFigure(page, 'Lecturas').textContent()).toBe('0');
    await journey.check('review-desk');
    // The lease is kept while the cell is on screen (the e2e launcher leases for 24 s).
    expect((await renewal).status()).toBe(200);
    // The next cell is leased too, and its crop fetched before this one is answered.
    const upcoming = leased.upcoming;
    if (!upcoming) throw new Error('the desk was handed no upcoming cell');
    expect(upcoming.taskId).not.toBe(leased.taskId);
    const upcomingCrop = upcoming.crop.url;
    if (upcomingCrop) await expect.poll(() => cropsAsked.includes(upcomingCrop)).toBe(true);
    const askedBeforeEnter = cropsAsked.length;

    const afterUpcoming = nextLease(page);
    await page.keyboard.type('913');
    await page.keyboard.press('Enter');
    await page.getByText('Lectura registrada; la celda espera otra lectura.').waitFor();
    expect((await afterUpcoming).taskId).toBe(upcoming.taskId);
    await cropsShown(page, upcoming as Leased);
    if (upcomingCrop) expect(cropsAsked.slice(askedBeforeEnter)).not.toContain(upcomingCrop);

    // S skips the cell: another one comes, and the strip counts it.
    await page.waitForFunction(() => {
      const active = document.activeElement;
      return active instanceof HTMLInputElement && !active.readOnly;
    });
    const afterSkip = nextLease(page);
    await page.keyboard.press('S');
    await page
      .getByText('Celda saltada: vuelve a su lista en unos minutos; otros revisores ya pueden leerla.')
      .waitFor();
    expect((await afterSkip).taskId).not.toBe(upcoming.taskId);
    await expect.poll(() => myFigure(page, 'Lecturas').textContent()).toBe('1');
    await expect.poll(() => myFigure(page, 'Saltadas').textContent()).toBe('1');
    await journey.check('review-desk-skipped');
  });
  const taskId = leasedA?.taskId;

  await runJourney(castor.url, 'review-second-entry', async (journey) => {
    const { page } = journey;
    const lease = nextLease(page);
    await signInAt(page, '/revision', second);
    // B is handed the cell A answered, as its second entry, and never sees A's value.
    const leasedB = await lease;
    expect(leasedB).toEqual(expect.objectContaining({ taskId, entries: 1 }));
    expect(leasedB.raw).not.toContain('913');
    await page.getByText('Segunda lectura').waitFor();
    await cropsShown(page, leasedB);
    await page.keyboard.type('913');
    await page.keyboard.press('Enter');
    await page.getByText('Celda cerrada: dos lecturas coinciden.').waitFor();
    await journey.check('review-agreed');
  });

  // Three more reviewers read one cell three ways: it waits for an admin's decision.
  let disputed: number | undefined;
  for (const [index, value] of [1, 2, 3].entries()) {
    const { accessToken } = await castorApi<{ accessToken: string }>(castor, '/api/auth/login', {
      body: await inviteReviewer(adminToken, `desempate-${index}`),
    });
    const task = await pendingTask(accessToken, disputed);
    disputed ??= task.taskId;
    await castorApi(castor, '/api/review/submit', {
      token: accessToken,
      body: { taskId: task.taskId, leaseToken: task.lease.token, value },
    });
  }

  // The admin decides it by keyboard, and sees each reviewer's accuracy against the closed values.
  await runJourney(castor.url, 'review-admin', async (journey) => {
    const { page } = journey;
    await signInAt(page, '/revision', castor.admin);
    // The admin's desk leases a cell too; its crops load before the admin moves to another tab.
    await cropsShown(page);
    await page.getByRole('tab', { name: 'Desacuerdos' }).click();
    await page
      .getByRole('row', { name: new RegExp(`^${disputed} `) })
      .getByRole('button', { name: 'Decidir' })
      .click();
    await page.getByLabel('Valor decidido').waitFor();
    await cropsShown(page);
    await journey.check('review-disagreement');
    await page.keyboard.type('2');
    await page.keyboard.press('Enter');
    await page.getByText(/quedó cerrada con su decisión/).waitFor();
    await page.getByRole('tab', { name: 'Revisores' }).click();
    await page.getByRole('cell', { name: 'lector-b' }).first().waitFor();
    await journey.check('review-reviewers');
  });
  const decided = await castorApi<{ status: string }>(castor, `/api/review/tasks/${disputed}`, { token: adminToken });
  expect(decided.status).toBe('done');

  const closed = await castorApi<{ status: string }>(castor, `/api/review/tasks/${taskId}`, { token: adminToken });
  expect(closed.status).toBe('done');
  const queue = await castorApi<{ tasks: Array<{ taskId: number }> }>(
    castor,
    '/api/review/tasks?status=pending&limit=500',
    {
      token: adminToken,
    },
  );
  expect(queue.tasks.map((task) => task.taskId)).not.toContain(taskId);
});
