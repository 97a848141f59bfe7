import { type DocumentUploadResponse, documentUploadResponseSchema } from '@castor/contracts';
import { generateCampaign } from '@castor/documents-synth';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { signInAt } from './campaign-data.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

test('an analyst uploads a Markdown file, sees it indexed in passages, is told in Spanish why a bad file is refused, and deletes it', async () => {
  const run = Date.now().toString(36);
  const title = `Plan hídrico ${run}`;
  const markdown = [
    `# ${title}`,
    '',
    '## Acueducto',
    '',
    `La meta del acueducto veredal ${run} es conectar 4321 hogares antes de 2027, con tanques comunitarios en cada vereda.`,
    '',
    '## Saneamiento',
    '',
    `El plan de saneamiento ${run} construye tres plantas de tratamiento y limpia las quebradas que cruzan el casco urbano.`,
  ].join('\n');
  // The demo corpus pnpm start uploads, every document under the source "demo".
  const demoDocuments = generateCampaign().documents.length;

  await runJourney(castor.url, 'documents-admin', async (journey) => {
    const { page } = journey;
    await signInAt(page, '/documentos', castor.admin, 'Documentos de la campaña');
    await page.getByText('Modo: búsqueda léxica sin conexión').waitFor();
    const stats = page.getByTestId('documents-stats');
    await stats.getByText(/^[\d.]+ documentos · [\d.]+ pasajes$/).waitFor();
    const table = page.getByRole('table', { name: 'Documentos indexados' });
    await table.waitFor();
    expect(await table.getByRole('cell', { name: 'demo', exact: true }).count()).toBe(demoDocuments);
    await journey.check('documents-listed');

    const picker = page.locator('input[type=file]');
    await picker.setInputFiles({ name: `plan-${run}.md`, mimeType: 'text/markdown', buffer: Buffer.from(markdown) });
    await page.getByText(`Elegido: plan-${run}.md`).waitFor();
    await page.getByLabel('Fuente (opcional)').fill('e2e');
    const [answered] = await Promise.all([
      page.waitForResponse(
        (response) => new URL(response.url()).pathname === '/api/documents' && response.request().method() === 'POST',
      ),
      page.getByRole('button', { name: 'Subir documento' }).click(),
    ]);
    expect(answered.status()).toBe(201);
    const uploaded: DocumentUploadResponse = documentUploadResponseSchema.parse(await answered.json());
    const { chunks } = uploaded.document;
    expect(chunks).toBeGreaterThan(0);
    await page.getByText(`«${title}» quedó indexado en ${chunks === 1 ? '1 pasaje' : `${chunks} pasajes`}.`).waitFor();

    const row = table.getByRole('row', { name: new RegExp(title) });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 6)).toEqual([`${title}plan-${run}.md`, 'Markdown', '—', String(chunks), 'Indexado', 'e2e']);
    await journey.check('documents-uploaded');

    // A picture is not a document: refused by its bytes, told in Spanish from the error code.
    journey.expectFailure(415, '/api/documents');
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5e1d1b70000000049454e44ae426082',
      'hex',
    );
    await picker.setInputFiles({ name: 'foto.png', mimeType: 'image/png', buffer: png });
    await page.getByRole('button', { name: 'Subir documento' }).click();
    await page.getByRole('alert').getByText('Ese archivo no es un PDF, DOCX, Markdown ni texto.').waitFor();
    await journey.check('documents-refused');

    await row.getByRole('button', { name: `Eliminar «${title}»` }).click();
    await row.getByRole('button', { name: 'Sí, eliminar' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await table.getByRole('row', { name: new RegExp(title) }).count()).toBe(0);
    await journey.quiet();
  });
}, 300_000);
