import type { SpikeAlert } from '@castor/contracts';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { AURORA, choose, download, loadCampaignData, signInAt } from './campaign-data.js';
import { castorApi } from './castor-api.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

test("a debate's hashtag rises with the posts behind it, and raises a spike alert", async () => {
  const data = await loadCampaignData(castor);
  // Spikes are detected in the background after an import: wait for this run's.
  const deadline = Date.now() + 180_000;
  for (;;) {
    const { spikes } = await castorApi<{ spikes: SpikeAlert[] }>(
      castor,
      `/api/campaign/spikes?candidate=${AURORA.slug}&limit=200`,
      { token: data.token },
    );
    if (spikes.some((spike) => spike.term.includes(data.burstTag))) break;
    if (Date.now() > deadline) throw new Error(`no spike alert names #${data.burstTag} after 180 s`);
    await new Promise((done) => setTimeout(done, 3_000));
  }

  await runJourney(castor.url, 'trends-admin', async (journey) => {
    const { page } = journey;
    await signInAt(page, '/tendencias', castor.admin, 'Tendencias');
    const [trending] = await Promise.all([
      page.waitForResponse(
        (response) =>
          new URL(response.url()).pathname === '/api/campaign/trending' &&
          response.url().includes(`candidate=${AURORA.slug}`),
      ),
      choose(page, 'Candidato', AURORA.name),
    ]);
    expect(trending.status()).toBe(200);

    // The burst is a trend (as a hashtag; a topic may hold it too): its figures in words, and its posts one click away.
    const trend = page.getByRole('button', { name: new RegExp(`^Etiqueta #${data.burstTag}\\b`) });
    await trend.waitFor();
    expect(await trend.textContent()).toMatch(/z = [\d,]+ · [\d.]+ autores/);
    await trend.click();
    const posts = page.getByRole('table', { name: new RegExp(`^Publicaciones de «#?${data.burstTag}»$`) });
    await posts.waitFor();
    expect(await posts.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await posts.locator('tbody').textContent()).toContain(`#${data.burstTag}`);

    const spikes = page.getByRole('region', { name: 'Alertas de pico' });
    await spikes.getByText(new RegExp(data.burstTag)).first().waitFor();
    await journey.check('trends-burst');

    const csv = await download(page, 'Descargar tendencias (CSV)');
    expect(csv.name).toBe(`tendencias-${AURORA.slug}-24h.csv`);
    expect(csv.text).toContain(data.burstTag);
    await journey.quiet();
  });
}, 420_000);
