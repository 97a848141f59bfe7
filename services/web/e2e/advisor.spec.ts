import type { TeamTask } from '@castor/contracts';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { adminToken, signInAt } from './campaign-data.js';
import { castorApi } from './castor-api.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

test('an admin asks the advisor, reads the evidence of each recommendation and turns one into a team task', async () => {
  let title = '';
  await runJourney(castor.url, 'advisor', async (journey) => {
    const { page } = journey;
    await signInAt(page, '/asesor', castor.admin, 'Asesor de campaña');
    await page.getByText('no miden intención de voto').first().waitFor();

    const [answer] = await Promise.all([
      page.waitForResponse(
        (response) =>
          response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/advisor/recommendations',
      ),
      page.getByRole('button', { name: 'Generar recomendaciones' }).click(),
    ]);
    expect(answer.status()).toBe(200);
    const { recommendations, answeredBy } = (await answer.json()) as {
      recommendations: Array<{ title: string; evidence: Array<{ label: string }> }>;
      answeredBy: { offline: boolean };
    };
    // No LLM in the test stack: the rules wrote them, and the page says so.
    expect(answeredBy.offline).toBe(true);
    await page.getByText('modo sin conexión').waitFor();
    const [first] = recommendations;
    if (!first) throw new Error('the advisor recommended nothing');
    title = first.title;
    const card = page.locator(`[data-recommendation="${title}"]`).first();
    await card.waitFor();
    // Each recommendation shows the evidence it rests on.
    expect(await card.textContent()).toContain(first.evidence[0]?.label.slice(0, 40));
    await journey.check('advisor-recommendations');

    await card.getByRole('button', { name: `Crear tarea: ${title}` }).click();
    await page.getByText(`Tarea creada en el tablero del equipo: «${title}».`).waitFor();
    await card.getByRole('button', { name: `Ya tiene tarea en el tablero: ${title}` }).waitFor();
    await card.getByRole('link', { name: 'Ver el tablero' }).click();
    await page.getByRole('heading', { name: 'Tablero de tareas' }).waitFor();
    await page
      .locator(`[data-task="${title.slice(0, 200)}"]`)
      .first()
      .waitFor();
  });

  const token = await adminToken(castor);
  const { tasks } = await castorApi<{ tasks: TeamTask[] }>(castor, '/api/team/tasks', { token });
  const task = tasks.find((entry) => entry.title === title);
  expect(task?.origin?.kind).toBe('recommendation');
  expect(task?.description).toContain('Evidencia:');
});
