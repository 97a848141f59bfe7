import type { Page } from 'playwright-core';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { AURORA, choose, download, loadCampaignData, postsCsv, signInAt, waitForBotsFlagged } from './campaign-data.js';
import { expectChart } from './charts.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

const isAnalyze = (url: string) => new URL(url).pathname === '/api/media/analyze';

/** A figure of the period as a number (es-CO groups thousands with dots). */
async function figure(page: Page, label: string): Promise<number> {
  const card = page
    .getByRole('region', { name: 'Cifras del periodo' })
    .locator('.mantine-Paper-root', { has: page.getByText(label, { exact: true }) });
  const value = card.getByText(/^[\d.]+$/).first();
  await value.waitFor();
  return Number((await value.textContent())?.replace(/\./g, ''));
}

test('an analyst reads the conversation about a candidate with and without bots, and exports its posts', async () => {
  const data = await loadCampaignData(castor);
  const withBots = await waitForBotsFlagged(castor, data.token);

  await runJourney(castor.url, 'conversation-admin', async (journey) => {
    const { page } = journey;
    await signInAt(page, '/conversacion', castor.admin, 'Conversación');
    await choose(page, 'Candidato', AURORA.name);
    await expectChart(page, `Gráfico: publicaciones por día sobre ${AURORA.name}, por sentimiento, y sentimiento neto`);
    const posts = await figure(page, 'Publicaciones');
    expect(posts).toBeGreaterThanOrEqual(withBots.totals.posts);
    expect(
      await page.getByRole('table', { name: 'Publicaciones por día y sentimiento' }).locator('tbody tr').count(),
    ).toBeGreaterThan(5);
    // Without an LLM key the summary is written from the figures, and the page says so.
    await page.getByText(/^Resumen sin conexión/).waitFor();
    await page.getByRole('heading', { name: 'Publicaciones con más interacciones' }).waitFor();
    await page.getByRole('heading', { name: 'Autores más activos' }).waitFor();
    // The e2e system reads no X: the gauge says the data comes from imports.
    await page.getByText('X no está configurado: los datos vienen de importaciones.').waitFor();
    await journey.check('conversation-with-bots');

    // "Sin bots" asks again without the suspected bots: fewer posts, and the page says how many were left out.
    const [withoutBotsAnswer] = await Promise.all([
      page.waitForResponse(
        (response) => isAnalyze(response.url()) && response.request().postDataJSON()?.excludeBots === true,
      ),
      page.getByRole('switch', { name: 'Sin bots' }).check(),
    ]);
    expect(withoutBotsAnswer.status()).toBe(200);
    await expect.poll(() => figure(page, 'Publicaciones')).toBeLessThan(posts);
    await page.getByText(/^Se dejaron fuera [\d.]+ publicaciones de posibles bots\.$/).waitFor();
    await journey.check('conversation-without-bots');

    // The export follows the switch: this run's people are in it, its bots are not.
    const csv = await download(page, 'Descargar publicaciones (CSV)');
    expect(csv.name).toBe(`publicaciones-${AURORA.slug}-sin-bots.csv`);
    expect(csv.text).toContain(data.humanPostIds.at(-1));
    for (const id of data.botPostIds.slice(0, 5)) expect(csv.text).not.toContain(id);
    await journey.quiet();
  });
  // The background analysis scores the demo's posts before this run's: longer than the project's default.
}, 420_000);

test('an analyst imports posts: a bad line is refused with its number, a good file is stored', async () => {
  const now = Date.now();
  const good = {
    id: `imp${now.toString(36)}1`,
    created_at: new Date(now - 3_600_000).toISOString(),
    text: `${AURORA.name} visitó Pasto`,
    author_id: `imp${now}`,
    author_username: `lectora_${now.toString(36)}`,
    candidate: AURORA.slug,
  };
  const bad = { ...good, id: `imp${now.toString(36)}2`, created_at: 'ayer por la tarde' };

  await runJourney(castor.url, 'conversation-import', async (journey) => {
    const { page } = journey;
    await signInAt(page, '/conversacion', castor.admin, 'Conversación');
    const file = page.locator('form', { has: page.getByRole('heading', { name: 'Importar publicaciones' }) });
    const input = file.locator('input[type=file]');

    journey.expectFailure(400, '/api/media/import');
    await input.setInputFiles({ name: 'malo.csv', mimeType: 'text/csv', buffer: Buffer.from(postsCsv([good, bad])) });
    await file.getByRole('button', { name: 'Importar' }).click();
    // The header is line 1: the second post is line 3.
    await page.getByText(/^Línea 3, campo «created_at»: /).waitFor();
    await journey.check('conversation-import-refused');

    await input.setInputFiles({ name: 'bueno.csv', mimeType: 'text/csv', buffer: Buffer.from(postsCsv([good])) });
    await file.getByRole('button', { name: 'Importar' }).click();
    await page.getByText('Se guardaron 1 de 1 publicaciones nuevas, de 1 autores.').waitFor();
    await journey.check('conversation-import-stored');
  });
});
