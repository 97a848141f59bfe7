import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { adminToken, signInAt } from './campaign-data.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

/** Uploads a Markdown document through the API, as an analyst would from the documents page. */
async function uploadMarkdown(token: string, filename: string, text: string): Promise<void> {
  const form = new FormData();
  form.append('metadata', JSON.stringify({ source: 'e2e' }));
  form.append('file', new Blob([text], { type: 'text/markdown' }), filename);
  const response = await fetch(`${castor.url}/api/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (!response.ok) throw new Error(`the upload answered ${response.status}: ${await response.text()}`);
}

test('a question is answered from the documents as it streams in, each claim cited; the passage opens beside it; what they do not hold is said plainly; the conversation stays in the history', async () => {
  const run = Date.now().toString(36);
  const title = `Plan de movilidad ${run}`;
  const fact = `El cable aéreo ${run} unirá la vereda La Esperanza con el centro en doce minutos y costará 1800 pesos el pasaje.`;
  await uploadMarkdown(
    await adminToken(castor),
    `movilidad-${run}.md`,
    [
      `# ${title}`,
      '',
      '## Cable aéreo',
      '',
      fact,
      '',
      '## Ciclorrutas',
      '',
      `Se construirán 40 kilómetros de ciclorrutas ${run} protegidas.`,
    ].join('\n'),
  );
  const question = `¿Qué unirá el cable aéreo ${run}?`;

  await runJourney(castor.url, 'chat-admin', async (journey) => {
    const { page } = journey;
    await signInAt(page, '/chat', castor.admin, 'Chat con los documentos');

    await page.getByLabel('Su pregunta').fill(question);
    const [streamed] = await Promise.all([
      page.waitForResponse(
        (response) => new URL(response.url()).pathname === '/api/chat/rag' && response.request().method() === 'POST',
      ),
      page.getByRole('button', { name: 'Preguntar' }).click(),
    ]);
    expect(streamed.status()).toBe(200);
    expect(streamed.headers()['content-type']).toMatch(/^text\/event-stream/);

    const answer = page.getByTestId('chat-answer').last();
    const claim = answer.getByTestId('chat-claim').filter({ hasText: 'La Esperanza' }).first();
    await claim.waitFor();
    // No language model runs in the e2e stack: the answer quotes the passage and says it is offline.
    await answer.getByTestId('chat-offline').waitFor();
    await answer.getByText(/^\[1\] Plan de movilidad/).waitFor();
    await journey.check('chat-answered');

    const citation = claim.getByRole('button', { name: new RegExp(`^Fuente \\d+: ${title}$`) }).first();
    await citation.click();
    const panel = page.getByRole('dialog', { name: 'Pasaje citado' });
    await panel.getByText(`Documento: ${title}`).waitFor();
    await panel.getByText('Sección: Cable aéreo').waitFor();
    expect(await panel.getByTestId('chat-source-text').textContent()).toContain(fact);
    await journey.check('chat-source');
    await panel.getByRole('button', { name: 'Cerrar' }).click();
    await panel.waitFor({ state: 'hidden' });

    await page.getByLabel('Su pregunta').fill('¿Quién ganó el mundial de 1986?');
    await page.getByRole('button', { name: 'Preguntar' }).click();
    const absent = page.getByTestId('chat-answer').last();
    await absent.getByTestId('chat-not-found').getByText('No está en tus documentos', { exact: true }).waitFor();
    await journey.check('chat-not-found');

    // The conversation is in the history; a new one clears the screen, and the past one opens again.
    const history = page.getByRole('navigation', { name: 'Sus conversaciones' });
    // Both exchanges are in it: two questions and their two answers.
    const past = history.getByRole('button').filter({ hasText: run }).filter({ hasText: '4 mensajes' });
    await past.waitFor();
    await history.getByRole('button', { name: 'Nueva conversación' }).click();
    expect(await page.getByTestId('chat-question').count()).toBe(0);
    await past.click();
    await page.getByTestId('chat-question').filter({ hasText: question }).waitFor();
    await page.getByTestId('chat-not-found').waitFor();
    await journey.quiet();
  });
}, 300_000);
