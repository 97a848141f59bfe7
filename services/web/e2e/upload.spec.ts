import { mesaKey } from '@castor/contracts';
import { renderSheetPdf } from '@castor/e14-synth-sheets';
import { demoElection } from '@castor/e14-synth-sheets/demo';
import { createRng } from '@castor/seeded-random';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

/**
 * A Presidente sheet of the demo election, transmisión copy, rendered as a scanned PDF the way
 * `pnpm start` renders its demo sheets, but of the `ordinal`-th mesa past the ones it uploads, and
 * drawn afresh on every run (a kept state folder would otherwise answer "duplicate").
 */
async function syntheticSheet(ordinal: number) {
  const election = demoElection();
  const candidates = election.divipol.candidates.filter((candidate) => candidate.corporation === 'PRESIDENTE');
  let skipped = 0;
  for (const submission of election.submissions({ copies: ['transmision'] })) {
    if (submission.corporation !== 'PRESIDENTE' || skipped++ < 20 + ordinal) continue;
    const sheet = await renderSheetPdf(
      submission,
      { candidates },
      { maxRotationDeg: 1 },
      createRng(`upload-e2e-${Date.now()}`),
    );
    return { mesa: mesaKey(submission.mesa), pdf: Buffer.from(sheet.pdf) };
  }
  throw new Error('the demo election has no Presidente sheet');
}

async function call<T>(method: string, path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${castor.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * What an admin does before election night, through the APIs: invites a witness, who registers
 * with the invitation, and assigns them one mesa of the demo election.
 */
async function invitedWitness(mesa: string) {
  const { accessToken } = await call<{ accessToken: string }>('POST', '/api/auth/login', castor.admin);
  const email = `testigo-${Date.now()}@castor.example`;
  const password = 'Testigo de mesa 2026';
  const { invitationToken } = await call<{ invitationToken: string }>(
    'POST',
    '/api/users/invitations',
    { email, role: 'witness' },
    accessToken,
  );
  const { user } = await call<{ user: { id: string } }>('POST', '/api/auth/register', {
    email,
    password,
    name: 'Testigo de prueba',
    invitationToken,
  });
  await call(
    'PUT',
    `/api/witnesses/${user.id}/assignments`,
    { electionCode: castor.electionCode, territories: [mesa] },
    accessToken,
  );
  return { email, password };
}

test('the admin uploads a scanned E-14 and sees it read, and a file that is no E-14 refused in Spanish', async () => {
  const sheet = await syntheticSheet(0);
  await runJourney(castor.url, 'upload-admin', async (journey) => {
    const { page } = journey;
    await page.goto('/ingresar');
    await page.getByLabel('Correo electrónico').fill(castor.admin.email);
    await page.getByLabel('Contraseña').fill(castor.admin.password);
    await page.getByRole('button', { name: 'Ingresar' }).click();
    await page.getByRole('link', { name: 'Subir actas' }).waitFor();
    await page.goto('/subir-actas');
    await page.getByRole('heading', { name: 'Subir actas E-14' }).waitFor();
    // The admin's uploads of earlier runs (a kept state folder) may be listed: the witness starts empty.
    await page.getByRole('heading', { name: 'Sus envíos' }).waitFor();
    await journey.check('before-sending');

    await page.getByLabel('Mesa').fill(sheet.mesa);
    await page.getByRole('combobox', { name: 'Corporación', exact: true }).click();
    await page.getByRole('option', { name: 'Presidencia', exact: true }).click();
    await page.getByRole('combobox', { name: 'Copia', exact: true }).click();
    await page.getByRole('option', { name: 'Transmisión', exact: true }).click();
    const picker = page.locator('input[type=file][multiple]');
    await picker.setInputFiles({ name: `e14-${sheet.mesa}.pdf`, mimeType: 'application/pdf', buffer: sheet.pdf });
    await page.getByText('1 archivo elegido').waitFor();
    await page.getByRole('button', { name: 'Enviar 1 archivo' }).click();
    const row = page.getByRole('row', { name: new RegExp(`e14-${sheet.mesa}\\.pdf`) });
    await row.getByText(/Recibido y en cola de lectura \(documento \d+\)\./).waitFor();
    // The pipeline reads it in the background: the row says so in words once it is settled.
    await row.getByText('Leída', { exact: true }).waitFor({ timeout: 75_000 });
    await row.getByText(`Mesa ${sheet.mesa}`).waitFor();
    await journey.check('read');

    // A text file named .pdf: refused on arrival (415 FILE_TYPE_UNSUPPORTED), with the reason in Spanish.
    journey.expectFailure(415, '/api/e14/documents');
    await page.getByLabel('Mesa').fill('');
    await picker.setInputFiles({
      name: 'notas.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('Estas son mis notas de la jornada, no un acta.\n'),
    });
    await page.getByRole('button', { name: 'Enviar 1 archivo' }).click();
    const refused = page.getByRole('row', { name: /notas\.pdf/ });
    await refused.getByText(/^Rechazado: /).waitFor();
    expect(await refused.getByText(/^Rechazado: /).textContent()).toBe(
      'Rechazado: Ese archivo no es un PDF ni una foto (JPEG o PNG).',
    );
    await journey.check('refused');

    // Several phone photos may be the pages of one sheet: sent together, in one request (one row).
    journey.expectFailure(422, '/api/e14/documents');
    const photo = (name: string) => ({ name, mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) });
    await picker.setInputFiles([photo('pagina-1.jpg'), photo('pagina-2.jpg')]);
    await page.getByRole('button', { name: 'Enviar 2 archivos' }).waitFor();
    await page.getByLabel('Estas fotos son las páginas de una misma hoja').check();
    await page.getByRole('button', { name: 'Enviar 1 hoja de 2 fotos' }).click();
    const sheetRow = page.getByRole('row', { name: /pagina-1\.jpg/ });
    await sheetRow.getByText('pagina-2.jpg').waitFor();
    await sheetRow.getByText(/2 páginas de una hoja/).waitFor();
    await sheetRow.getByText(/^Rechazado: /).waitFor();
    await journey.check('one-sheet');
  });
});

test('an invited witness uploads for their own mesa only', async () => {
  const [own, other] = [await syntheticSheet(1), await syntheticSheet(2)];
  const witness = await invitedWitness(own.mesa);
  await runJourney(castor.url, 'upload-witness', async (journey) => {
    const { page } = journey;
    await page.goto('/ingresar');
    await page.getByLabel('Correo electrónico').fill(witness.email);
    await page.getByLabel('Contraseña').fill(witness.password);
    await page.getByRole('button', { name: 'Ingresar' }).click();
    // Uploading is the witness's one page: they land on it, nothing sent yet.
    await page.getByRole('heading', { name: 'Subir actas E-14' }).waitFor();
    expect(await page.getByRole('navigation').getByRole('link').allTextContents()).toEqual(['Subir actas']);
    await page.getByText('Aún no ha enviado nada.', { exact: false }).waitFor();
    await journey.check('empty');

    // The mesa field offers their mesa, and refuses another before anything is sent.
    const mesa = page.getByRole('combobox', { name: 'Mesa', exact: true });
    await mesa.click();
    expect(await page.getByRole('option').allTextContents()).toEqual([own.mesa]);
    await mesa.fill(other.mesa);
    await page.getByText('Esa mesa no está entre las que tiene asignadas.').waitFor();
    await page
      .locator('input[type=file][multiple]')
      .setInputFiles({ name: 'acta.pdf', mimeType: 'application/pdf', buffer: own.pdf });
    expect(await page.getByRole('button', { name: 'Enviar 1 archivo' }).isDisabled()).toBe(true);
    await journey.check('other-mesa');

    await mesa.fill(own.mesa);
    await page.getByRole('combobox', { name: 'Corporación', exact: true }).click();
    await page.getByRole('option', { name: 'Presidencia', exact: true }).click();
    await page.getByRole('button', { name: 'Enviar 1 archivo' }).click();
    const row = page.getByRole('row', { name: /acta\.pdf/ });
    const queued = row.getByText(/Recibido y en cola de lectura \(documento \d+\)\./);
    await queued.waitFor();
    const documentId = (await queued.textContent())?.match(/documento (\d+)/)?.[1];
    await row.getByText('Leída', { exact: true }).waitFor({ timeout: 75_000 });
    await row.getByText(`Mesa ${own.mesa}`).waitFor();
    await journey.check('read');

    // After a reload the session's list is gone, but the API still lists the sheet and its reading.
    await page.reload();
    const listed = page.getByRole('row', { name: new RegExp(`Documento ${documentId}\\b`) });
    await listed.getByText('Leída', { exact: true }).waitFor();
    await listed.getByText(`Mesa ${own.mesa}`).waitFor();
    await listed.getByText(/^Enviado el /).waitFor();
    await journey.check('reloaded');
  });
});
