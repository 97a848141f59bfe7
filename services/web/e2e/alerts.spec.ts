import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';

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
    await page.getByLabel('Correo electrónico').fill(castor.admin.email);
    await page.getByLabel('Contraseña').fill(castor.admin.password);
    await page.getByRole('button', { name: 'Ingresar' }).click();

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

    // Every source side by side: the field column and at least two versions, disagreeing somewhere.
    const sources = page.locator('section', { has: page.getByRole('heading', { name: 'Fuentes de la mesa' }) });
    await sources.getByRole('table').waitFor();
    expect(await sources.locator('thead th').count()).toBeGreaterThanOrEqual(3);
    expect(await sources.locator('tbody tr[data-differs]').count()).toBeGreaterThan(0);
    await page.getByRole('heading', { name: 'Trazabilidad de la mesa' }).waitFor();
    await journey.check('alert-evidence');

    const json = await download(page, 'Descargar JSON');
    expect(json.name).toContain(mesaKey);
    expect(json.text.length).toBeGreaterThan(0);
    expect(JSON.parse(json.text)).toMatchObject({ format: 'castor-claims-packet/1', mesa: { key: mesaKey } });
    const html = await download(page, 'Descargar HTML');
    expect(html.name).toMatch(new RegExp(`${mesaKey}\\.html$`));
    expect(html.text).toContain(`mesa ${mesaKey}`);

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
