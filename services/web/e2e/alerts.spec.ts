import { readFile } from 'node:fs/promises';
import type { Alert } from '@castor/contracts';
import type { Page } from 'playwright-core';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { castorApi } from './castor-api.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

const isAlertList = (url: string) => new URL(url).pathname === '/api/alerts';

/** Picks an option of a labelled select and waits for the alert list the filter asks for. */
async function filter(page: Page, label: string, option: string, query: string): Promise<void> {
  const [listed] = await Promise.all([
    page.waitForResponse((response) => isAlertList(response.url()) && response.url().includes(query)),
    page
      .getByRole('combobox', { name: label, exact: true })
      .click()
      .then(() => page.getByRole('option', { name: option, exact: true }).click()),
  ]);
  expect(listed.status()).toBe(200);
}

/**
 * An alert on the over-written cells of a transmisión copy: the demo election loads claveros and
 * delegados as data and the transmisión copies only as scanned E-14s, read in the background
 * after start, with some cells over-written.
 */
async function alertOnAScan(token: string): Promise<Alert> {
  const deadline = Date.now() + 150_000;
  for (;;) {
    for (let offset = 0, total = 1; offset < total; offset += 1_000) {
      const page = await castorApi<{ total: number; items: Alert[] }>(
        castor,
        `/api/alerts?election=${castor.electionCode}&rule=corrections&limit=1000&offset=${offset}`,
        { token },
      );
      total = page.total;
      const found = page.items.find((alert) => alert.evidence.sources.some((source) => source.copy === 'transmision'));
      if (found) return found;
    }
    if (Date.now() > deadline) throw new Error('no corrections alert names a scanned transmisión copy yet');
    await new Promise((done) => setTimeout(done, 2_000));
  }
}

async function signIn(page: Page) {
  await page.getByLabel('Correo electrónico').fill(castor.admin.email);
  await page.getByLabel('Contraseña').fill(castor.admin.password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
}

/** Saves what a click downloads and returns its name and text. */
async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
}

test('a lawyer filters the alerts, reads a mesa evidence, takes its claims packet and acknowledges it', async () => {
  await runJourney(castor.url, 'alerts-admin', async (journey) => {
    const { page } = journey;
    await page.goto('/alertas');
    await signIn(page);

    await page.getByRole('heading', { name: 'Alertas', exact: true }).waitFor();
    await page.getByText(/Una alerta es un indicio para revisar, no una prueba de fraude/).waitFor();
    await page.getByRole('table').waitFor();

    await filter(page, 'Severidad', 'Alta', 'severity=high');
    await filter(page, 'Regla', 'Las copias difieren', 'rule=copies_differ');
    await filter(page, 'Estado', 'Abierta', 'status=open');
    const rows = page.getByRole('table').locator('tbody tr');
    await rows.first().waitFor();

    // The territory filter lives in the URL too: the departamento of the first alert's mesa
    // narrows the list on the server to its mesas, and the filter shows its name.
    const departamento = ((await rows.first().getByRole('link').textContent()) ?? '').slice(0, 2);
    const url = new URL(page.url());
    url.searchParams.set('departamento', departamento);
    const [narrowed] = await Promise.all([
      page.waitForResponse(
        (response) => isAlertList(response.url()) && response.url().includes(`territory=${departamento}&`),
      ),
      page.goto(url.pathname + url.search),
    ]);
    expect(narrowed.status()).toBe(200);
    await rows.first().waitFor();
    // Each alert reads in Spanish, from its rule and numbers: never the API's English message.
    const listed = ((await narrowed.json()) as { items: Alert[] }).items;
    const shown = (await page.locator('main').textContent()) ?? '';
    for (const alert of listed) expect(shown).not.toContain(alert.message);
    for (const message of await rows.locator('td:nth-child(4)').allTextContents())
      expect(message).toMatch(/^Las copias \(.+\) no coinciden en /);
    for (const key of await rows.getByRole('link').allTextContents())
      expect(key.startsWith(`${departamento}-`)).toBe(true);
    await expect
      .poll(() => page.getByRole('combobox', { name: 'Departamento', exact: true }).inputValue())
      .not.toMatch(/^(|Todo el país)$/);
    for (const severity of await rows.locator('td:first-child').allTextContents()) expect(severity).toBe('Alta');
    expect(new URL(page.url()).searchParams.get('severidad')).toBe('high');
    await journey.check('alerts-list');

    // The first alert's mesa: its key is the row's link.
    const link = rows.first().getByRole('link');
    const mesaKey = (await link.textContent()) ?? '';
    expect(mesaKey).toMatch(/^\d{2}-\d{3}-\d{2}-\d{2}-\d{3}$/);
    await link.click();
    await page.getByRole('heading', { name: `Evidencia de la mesa ${mesaKey}` }).waitFor();
    // The evidence has its own address, the list's filters kept for the way back.
    expect(new URL(page.url()).pathname).toMatch(/^\/alertas\/\d+$/);

    // Every source side by side: the field column and at least two versions, disagreeing somewhere.
    const sources = page.locator('section', { has: page.getByRole('heading', { name: 'Fuentes de la mesa' }) });
    await sources.getByRole('table').waitFor();
    expect(await sources.locator('thead th').count()).toBeGreaterThanOrEqual(3);
    expect(await sources.locator('tbody tr[data-differs]').count()).toBeGreaterThan(0);
    // The alert names the candidates it compares (candidate:<id>); the packet links them to the
    // sheet's rows, so the rows of the ballot it is about are marked.
    const inAlert = sources.locator('tbody tr', { has: page.getByText('En la alerta', { exact: true }) });
    const marked = await inAlert.locator('th').allTextContents();
    expect(marked.some((row) => row.startsWith('votos de la opción '))).toBe(true);
    await page.getByRole('heading', { name: 'Trazabilidad de la mesa' }).waitFor();
    await journey.check('alert-evidence');

    const json = await download(page, 'Descargar JSON');
    expect(json.name).toContain(mesaKey);
    expect(json.text.length).toBeGreaterThan(0);
    expect(JSON.parse(json.text)).toMatchObject({ format: 'castor-claims-packet/1', mesa: { key: mesaKey } });
    const html = await download(page, 'Descargar HTML');
    expect(html.name).toMatch(new RegExp(`${mesaKey}\\.html$`));
    expect(html.text).toContain(`mesa ${mesaKey}`);
    // The packet a lawyer files describes each alert in Spanish, never with the API's English message.
    const packet = JSON.parse(json.text) as { discrepancies: Array<Alert & { description: string }> };
    for (const alert of packet.discrepancies) {
      expect(html.text).toContain(alert.description);
      expect(html.text).not.toContain(alert.message);
    }

    // The reason is required: without it nothing is sent.
    const status = page.getByTestId('alert-status');
    expect(await status.textContent()).toBe('Abierta');
    await page.getByRole('button', { name: 'Reconocer' }).click();
    await page.getByText('Escriba el motivo (al menos 3 caracteres).').waitFor();

    await page.getByLabel('Motivo').fill('Copias revisadas: se pide recuento en escrutinio');
    const [patched] = await Promise.all([
      page.waitForResponse(
        (response) => response.request().method() === 'PATCH' && response.url().includes('/api/alerts/'),
      ),
      page.getByRole('button', { name: 'Reconocer' }).click(),
    ]);
    expect(patched.status()).toBe(200);
    await page.getByText('La alerta quedó reconocida.').waitFor();
    await status.getByText('Reconocida').waitFor();
    // The audit trail of the mesa now holds the decision.
    await page.getByRole('cell', { name: 'alert.acknowledged' }).first().waitFor();
    await journey.check('alert-acknowledged');

    // Back on the list, with the filters kept: the open alert is no longer there.
    await page.getByRole('link', { name: /Volver a las alertas/ }).click();
    await page.getByRole('heading', { name: 'Alertas', exact: true }).waitFor();
    expect(new URL(page.url()).searchParams.get('estado')).toBe('open');
  });
});

test('a shared link opens one alert on its scanned page, its cells boxed and its sentence in Spanish', async () => {
  const { accessToken } = await castorApi<{ accessToken: string }>(castor, '/api/auth/login', { body: castor.admin });
  const alert = await alertOnAScan(accessToken);
  await runJourney(castor.url, 'alert-link', async (journey) => {
    const { page } = journey;
    // The link a lawyer was sent: after signing in, the evidence it names.
    await page.goto(`/alertas/${alert.id}`);
    await signIn(page);
    await page.getByRole('heading', { name: `Evidencia de la mesa ${alert.mesaKey}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/alertas/${alert.id}`);
    await page.getByText(/Una alerta es un indicio para revisar, no una prueba de fraude/).waitFor();

    const message = (await page.getByTestId('alert-message').textContent()) ?? '';
    expect(message).toMatch(/^(Una casilla|\d+ casillas) con tachones o enmendaduras: (votos|votantes) /);
    expect((await page.locator('main').textContent()) ?? '').not.toContain(alert.message);

    // The transmisión copy's page as scanned, loaded, with the over-written cells boxed on it.
    const scan = page.getByRole('img', { name: /^Acta escaneada/ }).first();
    await scan.waitFor();
    await expect
      .poll(() =>
        scan.evaluate((image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth),
      )
      .toBeGreaterThan(0);
    // Every page of the alert is drawn from its scan (none left loading when the journey ends).
    const pages = await page.getByText(/^Celdas de la alerta: /).count();
    await expect.poll(() => page.getByRole('img', { name: /^Acta escaneada/ }).count()).toBe(pages);
    await expect
      .poll(() =>
        page
          .getByRole('img', { name: /^Acta escaneada/ })
          .evaluateAll((images) => images.every((image) => (image as HTMLImageElement).naturalWidth > 0)),
      )
      .toBe(true);
    const boxes = page.getByTestId('highlighted-cell');
    expect(await boxes.count()).toBeGreaterThan(0);
    const pageBox = await scan.boundingBox();
    const cellBox = await boxes.first().boundingBox();
    if (!pageBox || !cellBox) throw new Error('the page or its cell is not laid out');
    expect(cellBox.width).toBeGreaterThan(4);
    expect(cellBox.x).toBeGreaterThanOrEqual(pageBox.x);
    expect(cellBox.x + cellBox.width).toBeLessThanOrEqual(pageBox.x + pageBox.width + 1);
    await journey.check('alert-on-scan');

    // A link to an alert that does not exist says so, with the way back to the list.
    journey.expectFailure(404, '/api/alerts/999999999');
    await page.goto('/alertas/999999999');
    await page.getByText(/Esta alerta no existe/).waitFor();
    await page.getByRole('link', { name: /Volver a las alertas/ }).waitFor();
  });
});
