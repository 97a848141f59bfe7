import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { AURORA, BRUNO, choose, download, loadCampaignData, signInAt } from './campaign-data.js';
import { expectChart } from './charts.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

test('the candidates side by side, each measure against the week before, and its export', async () => {
  await loadCampaignData(castor);

  await runJourney(castor.url, 'rivals-admin', async (journey) => {
    const { page } = journey;
    await signInAt(page, '/rivales', castor.admin, 'Rivales');
    const [compared] = await Promise.all([
      page.waitForResponse(
        (response) =>
          new URL(response.url()).pathname === '/api/campaign/rivals/compare' &&
          response.request().postData()?.includes('"from"') === true,
      ),
      choose(page, 'Periodo', 'Últimos 7 días'),
    ]);
    expect(compared.status()).toBe(200);

    const table = page.getByRole('table', { name: /^Cada medida por candidato/ });
    await table.getByRole('columnheader', { name: AURORA.name }).waitFor();
    await table.getByRole('columnheader', { name: BRUNO.name }).waitFor();
    expect(await table.getByRole('rowheader').allTextContents()).toEqual([
      'Publicaciones',
      'Autores',
      'Interacciones',
      'Participación en la conversación',
      'Publicaciones positivas',
      'Publicaciones negativas',
      'Sentimiento neto',
      'Publicaciones de posibles bots',
    ]);
    // Aurora's last week holds the debate burst and the previous one only three days of her
    // background: her posts went up, said with an arrow and in words.
    const auroraPosts = table.locator(`td[data-measure="posts"][data-candidate="${AURORA.slug}"]`);
    expect(await auroraPosts.textContent()).toMatch(/▲ sube [\d.,]+\s?%/);
    await expectChart(page, 'Gráfico de líneas: publicaciones por día de cada candidato', 2);
    await journey.check('rivals-week');

    const csv = await download(page, 'Descargar comparación (CSV)');
    expect(csv.name).toBe('rivales.csv');
    expect(csv.text).toContain(AURORA.slug);
    expect(csv.text).toContain(BRUNO.slug);
    await journey.quiet();
  });
});
