import { type ForecastDashboardResponse, ICCE_DISCLAIMER } from '@castor/contracts';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { AURORA, BRUNO, choose, loadCampaignData, signInAt, waitForBotsFlagged } from './campaign-data.js';
import { castorApi } from './castor-api.js';
import { expectChart } from './charts.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

const DAY_MS = 86_400_000;
const oneDecimal = new Intl.NumberFormat('es-CO', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const count = new Intl.NumberFormat('es-CO');
const signed = new Intl.NumberFormat('es-CO', {
  signDisplay: 'exceptZero',
  maximumFractionDigits: 2,
  minimumFractionDigits: 2,
});
const day = (offsetDays: number) => new Date(Date.now() - offsetDays * DAY_MS).toISOString().slice(0, 10);

/** The latest day with an index, as the page shows it. */
function latestIcce(analysis: ForecastDashboardResponse['candidates'][number]['withBots']): string {
  const latest = [...analysis.days].reverse().find((point) => point.icce !== null);
  if (!latest) throw new Error('no day with an ICCE');
  return `ICCE ${oneDecimal.format(latest.icce as number)}`;
}

/** The start of the momentum sentence of the latest day with a slope, as the page writes it. */
function momentumOf(analysis: ForecastDashboardResponse['candidates'][number]['withBots']): string | RegExp {
  const latest = [...analysis.momentum].reverse().find((point) => point.slope !== null);
  if (!latest || latest.slope === null) return /^Momento: hacen falta/;
  return new RegExp(`^Momento \\(últimos 7 días\\): ${signed.format(latest.slope).replace('+', '\\+')} puntos por día`);
}

test('the ICCE of a candidate with its band, momentum and forecast, the polls beside it, with and without bots', async () => {
  const data = await loadCampaignData(castor);
  // The index counts scored posts only, and "sin bots" needs the bots flagged: wait for both.
  await waitForBotsFlagged(castor, data.token);
  const contest = `e2e ${data.run}`;
  await castorApi(castor, '/api/forecast/polls', {
    token: data.token,
    body: {
      contest,
      content: [
        'pollster,since,up_to,sample_size,aurora,bruno,blank',
        `encuestadora-${data.run},${day(6)},${day(4)},1200,41.5,38.0,20.5`,
        `otra-${data.run},${day(3)},${day(2)},900,44.0,36.5,19.5`,
      ].join('\n'),
      mapping: { aurora: AURORA.slug, bruno: BRUNO.slug },
    },
  });

  await runJourney(castor.url, 'icce-admin', async (journey) => {
    const { page } = journey;
    await signInAt(page, '/icce', castor.admin, 'ICCE y pronóstico');
    const disclaimer = page.getByRole('note', { name: 'Mide conversación, no votos' });
    expect(await disclaimer.getByTestId('icce-disclaimer').textContent()).toBe(ICCE_DISCLAIMER);
    // Every candidate's dashboard first (choosing one earlier would cancel that request).
    await page
      .getByRole('region', { name: /^ICCE de / })
      .first()
      .waitFor();

    const [answered] = await Promise.all([
      page.waitForResponse(
        (response) =>
          new URL(response.url()).pathname === '/api/forecast/dashboard' &&
          response.url().includes(`candidate=${AURORA.slug}`),
      ),
      choose(page, 'Candidato', AURORA.name),
    ]);
    expect(answered.status()).toBe(200);
    const dashboard = (await answered.json()) as ForecastDashboardResponse;
    const aurora = dashboard.candidates[0];
    if (!aurora) throw new Error('no candidate in the dashboard');

    const card = page.getByRole('region', { name: `ICCE de ${AURORA.name}` });
    const latest = card.getByTestId('icce-latest');
    await latest.getByText(latestIcce(aurora.withBots)).waitFor();
    await card.getByText(momentumOf(aurora.withBots)).waitFor();
    // Ten days of posts are enough to forecast, not for a backtest of four weeks: it says so.
    const forecast = aurora.withBots.forecast;
    await card
      .getByText(forecast.status === 'ok' ? `Pronóstico ${forecast.model}` : /^datos insuficientes/)
      .first()
      .waitFor();
    await card.getByText(/^Prueba retrospectiva: datos insuficientes/).waitFor();
    await card.getByText(new RegExp(`^Encuestas \\(«${contest}»\\): promedio ponderado`)).waitFor();
    await expectChart(page, new RegExp(`ICCE diario de ${AURORA.name}`), 3);

    const polls = page.getByRole('table', { name: `Encuestas de «${contest}»` });
    await polls.getByRole('cell', { name: `encuestadora-${data.run}` }).waitFor();
    await page.getByRole('table', { name: new RegExp(`^Promedio ponderado de «${contest}»`) }).waitFor();
    await journey.check('icce-with-bots');

    // Aurora's bots post ten times a day each on the ten days before today: without them her share
    // of the conversation, and so her index, changes on those days.
    const changed = aurora.withBots.days.filter(
      (point, index) => point.suspectedBotPosts > 0 && point.icce !== aurora.withoutBots.days[index]?.icce,
    );
    expect(changed.length).toBeGreaterThan(0);
    const bots = aurora.withBots.days.reduce((sum, point) => sum + point.suspectedBotPosts, 0);
    expect(await card.getByText(/^Sin bots: se dejaron fuera/).count()).toBe(0);
    await page.getByRole('switch', { name: 'Sin bots' }).check();
    await latest.getByText(latestIcce(aurora.withoutBots)).waitFor();
    await card.getByText(`Sin bots: se dejaron fuera ${count.format(bots)} publicaciones`, { exact: false }).waitFor();
    await card.getByText(momentumOf(aurora.withoutBots)).waitFor();
    await journey.check('icce-without-bots');
    await journey.quiet();
  });
}, 420_000);
