import type { RecognizerModel } from '@castor/contracts';
import type { Page } from 'playwright-core';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { castorApi } from './castor-api.js';
import { expectChart } from './charts.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

async function signIn(page: Page, credentials: { email: string; password: string }): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Correo electrónico').fill(credentials.email);
  await page.getByLabel('Contraseña').fill(credentials.password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
  await page.getByRole('heading', { name: 'Noche electoral' }).waitFor();
}

/** The number a stat card shows, as a number (es-CO groups thousands with dots). */
async function stat(page: Page, label: string): Promise<number> {
  const card = page.locator('.mantine-Paper-root', { has: page.getByText(label, { exact: true }) });
  const value = card.getByText(/^[\d.]+$/).first();
  await value.waitFor();
  return Number((await value.textContent())?.replace(/\./g, ''));
}

/** The registry's active recognizer model, as an admin reads it from the API. */
async function activeModel(): Promise<RecognizerModel> {
  const { accessToken: token } = await castorApi<{ accessToken: string }>(castor, '/api/auth/login', {
    body: castor.admin,
  });
  const { models } = await castorApi<{ models: RecognizerModel[] }>(castor, '/api/pipeline/models', { token });
  const active = models.find((model) => model.status === 'active');
  if (!active) throw new Error('the registry has no active recognizer model');
  return active;
}

test('the overview refreshes in place: numbers stay on screen while new ones load', async () => {
  const model = await activeModel();
  await runJourney(castor.url, 'election-night-admin', async (journey) => {
    const { page } = journey;
    await signIn(page, castor.admin);
    const expected = await stat(page, 'Esperadas');
    const counted = await stat(page, 'Informadas y conciliadas');
    expect(expected).toBeGreaterThan(0);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThanOrEqual(expected);
    expect(await stat(page, 'Actas leídas')).toBeGreaterThanOrEqual(0);
    // The recognizer model the pipeline reads with: the registry's active version.
    const source = model.source === 'bundled' ? 'incluido con el sistema' : 'entrenado con';
    await page.getByText(`Modelo del lector: v${model.version} (${source}`).waitFor();
    await page.getByText('Una alerta es un indicio para revisar, no una prueba de fraude.').waitFor();
    // The demo's documents over time (bars per interval, the backlog line) and the open alerts by severity.
    await expectChart(page, /^Gráfico: actas recibidas, leídas y validadas cada \d+ min/, 4);
    await expectChart(page, 'Gráfico de barras: alertas abiertas por severidad');
    expect(
      await page
        .getByRole('table', { name: /Actividad por intervalo/ })
        .locator('tbody tr')
        .count(),
    ).toBeGreaterThan(0);

    // Watch for the loading skeleton or an emptied card during a refresh: either is a flicker.
    await page.evaluate(() => {
      const flickers: string[] = [];
      (window as unknown as { flickers: string[] }).flickers = flickers;
      new MutationObserver(() => {
        if (document.querySelector('[aria-busy="true"]')) flickers.push('skeleton');
        if (!document.body.textContent?.includes('Esperadas')) flickers.push('stats gone');
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const results = page.waitForResponse((response) => new URL(response.url()).pathname === '/api/results');
    await page.getByRole('button', { name: 'Actualizar ahora' }).click();
    await results;
    await page.getByText(/Se actualiza sola cada 15 s/).waitFor();
    expect(await page.evaluate(() => (window as unknown as { flickers: string[] }).flickers)).toEqual([]);
    await journey.check('election-night-refreshed');
  });
});

test('a viewer sees the counts, not the pipeline or the alerts, and the page fits a phone', async () => {
  const viewer = {
    email: `viewer-${Date.now()}@castor.test`,
    password: 'una clave de consulta larga',
    name: 'Consulta',
  };
  const registered = await fetch(`${castor.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(viewer),
  });
  expect(registered.status).toBe(201);

  await runJourney(castor.url, 'election-night-viewer', async (journey) => {
    const { page } = journey;
    await page.setViewportSize({ width: 390, height: 844 });
    await signIn(page, viewer);
    expect(await stat(page, 'Esperadas')).toBeGreaterThan(0);
    expect(await page.getByText('Lectura de actas').count()).toBe(0);
    expect(await page.getByText(/^Modelo del lector/).count()).toBe(0);
    expect(await page.getByText('Alertas abiertas por severidad').count()).toBe(0);
    expect(await page.getByRole('img', { name: /^Gráfico/ }).count()).toBe(0);
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await journey.check('election-night-phone');
  });
});
