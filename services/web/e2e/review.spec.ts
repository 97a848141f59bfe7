import type { Page } from 'playwright-core';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

async function api<T>(path: string, init: { token?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(`${castor.url}${path}`, {
    method: init.body === undefined ? 'GET' : 'POST',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** A reviewer account, the way an admin makes one: an invitation, then registration with its token. */
async function inviteReviewer(adminToken: string, name: string) {
  const email = `${name}-${Date.now()}@castor.test`;
  const password = 'una clave de revisión larga';
  const { invitationToken } = await api<{ invitationToken: string }>('/api/users/invitations', {
    token: adminToken,
    body: { email, role: 'reviewer' },
  });
  await api('/api/auth/register', { body: { email, password, name, invitationToken } });
  return { email, password };
}

async function signInAt(page: Page, path: string, credentials: { email: string; password: string }) {
  await page.goto(path);
  await page.getByLabel('Correo electrónico').fill(credentials.email);
  await page.getByLabel('Contraseña').fill(credentials.password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.getByRole('heading', { name: 'Mesa de revisión' }).waitFor();
}

interface Leased {
  taskId: number;
  entries: number;
  crop: { url: string | null };
  /** The response as sent, to check what it does not say. */
  raw: string;
}

/** The next task the desk leases on this page (set up before the page asks). */
function nextLease(page: Page): Promise<Leased> {
  return page
    .waitForResponse((response) => new URL(response.url()).pathname === '/api/review/pending')
    .then(async (response) => {
      const raw = await response.text();
      const { task } = JSON.parse(raw) as { task: Omit<Leased, 'raw'> | null };
      if (!task) throw new Error('the desk leased no task');
      return { ...task, raw };
    });
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

test('two reviewers clear a review cell by keyboard: blind double entry agrees and the cell leaves the queue', async () => {
  const { accessToken: adminToken } = await api<{ accessToken: string }>('/api/auth/login', { body: castor.admin });
  // The demo's scanned sheets are read in the background: wait for their first review cells.
  for (let attempt = 0; ; attempt += 1) {
    const queue = await api<{ tasks: unknown[] }>('/api/review/tasks?status=pending&limit=1', { token: adminToken });
    if (queue.tasks.length > 0) break;
    if (attempt > 60) throw new Error('the demo produced no review task in a minute');
    await new Promise((done) => setTimeout(done, 1_000));
  }
  const [first, second] = [await inviteReviewer(adminToken, 'lectora-a'), await inviteReviewer(adminToken, 'lector-b')];

  let leasedA: Leased | undefined;
  await runJourney(castor.url, 'review-first-entry', async (journey) => {
    const { page } = journey;
    const lease = nextLease(page);
    await signInAt(page, '/revision', first);
    leasedA = await lease;
    await page.getByText('Primera lectura').waitFor();
    await cropsShown(page, leasedA);
    await journey.check('review-desk');
    await page.keyboard.type('913');
    await page.keyboard.press('Enter');
    await page.getByText('Lectura registrada; la celda espera otra lectura.').waitFor();
    expect(await page.getByText('Respondidas').locator('xpath=..').textContent()).toBe('1Respondidas');
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
    const { accessToken } = await api<{ accessToken: string }>('/api/auth/login', {
      body: await inviteReviewer(adminToken, `desempate-${index}`),
    });
    const { task } = await api<{ task: { taskId: number; lease: { token: string } } }>('/api/review/pending', {
      token: accessToken,
    });
    disputed ??= task.taskId;
    expect(task.taskId).toBe(disputed);
    await api('/api/review/submit', {
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
  const decided = await api<{ status: string }>(`/api/review/tasks/${disputed}`, { token: adminToken });
  expect(decided.status).toBe('done');

  const closed = await api<{ status: string }>(`/api/review/tasks/${taskId}`, { token: adminToken });
  expect(closed.status).toBe('done');
  const queue = await api<{ tasks: Array<{ taskId: number }> }>('/api/review/tasks?status=pending&limit=500', {
    token: adminToken,
  });
  expect(queue.tasks.map((task) => task.taskId)).not.toContain(taskId);
});
