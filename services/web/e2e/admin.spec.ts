import { mesaKey } from '@castor/contracts';
import { demoElection } from '@castor/e14-synth-sheets/demo';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile, type Journey } from './browser.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

/** A mesa of the demo election, to assign to the invited witness. */
function demoMesa(): string {
  for (const submission of demoElection().submissions({ copies: ['transmision'] })) return mesaKey(submission.mesa);
  throw new Error('the demo election has no mesa');
}

async function signIn({ page }: Journey, email: string, password: string) {
  await page.goto('/ingresar');
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Ingresar' }).click();
}

/** A small divipol, dated long ago so the demo election stays the newest (the one pages open on). */
const SMALL_DIVIPOL = {
  mesas: [
    'departamento,departamento_nombre,municipio,municipio_nombre,zona,puesto,puesto_nombre,mesa,habilitados',
    '91,AMAZONAS,001,LETICIA,01,01,ESCUELA CENTRAL,001,350',
    '91,AMAZONAS,001,LETICIA,01,01,ESCUELA CENTRAL,002,340',
  ].join('\n'),
  candidates: ['corporacion,numero,nombre', 'PRESIDENTE,1,Candidata Uno', 'PRESIDENTE,2,Candidato Dos'].join('\n'),
};

test('the admin invites a witness who registers with the link, assigns them a mesa, and verifies the audit chain', async () => {
  const mesa = demoMesa();
  const witness = { email: `testigo-admin-${Date.now()}@castor.example`, password: 'Testigo invitado 2026' };

  await runJourney(castor.url, 'admin', async (journey) => {
    const { page } = journey;
    await signIn(journey, castor.admin.email, castor.admin.password);
    await page.getByRole('link', { name: 'Administración' }).click();
    await page.getByRole('heading', { name: 'Administración', level: 2 }).waitFor();

    // Users: invite a witness; the link is shown once, with a copy button.
    await page.getByLabel('Correo de la persona').fill(witness.email);
    await page.getByRole('button', { name: 'Invitar' }).click();
    await page.getByText(`Invitación creada para ${witness.email} (Testigo)`).waitFor();
    const link = await page.getByLabel('Enlace de registro').inputValue();
    expect(link).toMatch(new RegExp(`^${castor.url}/registro#invitacion=`));
    await page.getByRole('button', { name: 'Copiar' }).waitFor();
    await journey.check('users');

    // The witness opens the link, registers, and lands on uploading, with no mesa yet.
    await runJourney(castor.url, 'admin-register', async (invited) => {
      await invited.page.goto(link);
      await invited.page.getByRole('heading', { name: 'Crear su cuenta en CASTOR' }).waitFor();
      expect(await invited.page.getByLabel('Correo electrónico').inputValue()).toBe(witness.email);
      await invited.page.getByLabel('Nombre completo').fill('Testigo Invitada');
      await invited.page.getByLabel('Contraseña').fill(witness.password);
      await invited.check('register');
      await invited.page.getByRole('button', { name: 'Crear cuenta e ingresar' }).click();
      await invited.page.getByText('No tiene mesas asignadas en esta elección.').waitFor();
    });

    // Witnesses: assign the new witness a mesa of the demo election.
    await page.getByRole('tab', { name: 'Testigos y mesas' }).click();
    const witnessChoice = page.getByRole('combobox', { name: 'Testigo', exact: true });
    await witnessChoice.click();
    await witnessChoice.fill(witness.email);
    await page.getByRole('option', { name: new RegExp(witness.email) }).click();
    await page.getByLabel('Mesa o puesto').fill(mesa);
    await page.getByRole('button', { name: 'Asignar' }).click();
    await page.getByText(`${mesa} quedó asignada a Testigo Invitada.`).waitFor();
    await page
      .getByRole('row', { name: new RegExp(witness.email) })
      .getByText(mesa)
      .waitFor();
    await journey.check('witnesses');

    // Elections: the demo election is listed; a small divipol imports from files.
    await page.getByRole('tab', { name: 'Elecciones y divipol' }).click();
    await page.getByRole('cell', { name: castor.electionCode }).waitFor();
    await page.getByLabel('Código de la elección').fill('E2E-ADMIN-2000');
    await page.getByRole('textbox', { name: 'Nombre', exact: true }).fill('Elección de prueba del administrador');
    await page.getByLabel('Fecha').fill('2000-03-12');
    // The pills box around the field takes the click, and opens the list.
    await page.getByRole('combobox', { name: 'Corporaciones', exact: true }).click({ force: true });
    await page.getByRole('option', { name: 'Presidencia' }).click();
    await page.keyboard.press('Escape');
    const [mesasInput, candidatesInput] = await page.locator('input[type=file]').all();
    await mesasInput?.setInputFiles({
      name: 'mesas.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(SMALL_DIVIPOL.mesas),
    });
    await candidatesInput?.setInputFiles({
      name: 'candidatos.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(SMALL_DIVIPOL.candidates),
    });
    await page.getByRole('button', { name: 'Importar' }).click();
    // A kept state folder already has it: importing is idempotent and says so.
    await page.getByText(/Divipol de E2E-ADMIN-2000 importada|ya estaba importada tal cual/).waitFor();
    await page.getByRole('cell', { name: 'E2E-ADMIN-2000' }).waitFor();
    await journey.check('elections');

    await page.getByRole('tab', { name: 'Solicitudes de demostración' }).click();
    await page.getByText(/Aún no hay solicitudes de demostración|Solicitudes 1 a/).waitFor();
    await journey.check('leads');

    await page.getByRole('tab', { name: 'Auditoría' }).click();
    await page.getByRole('button', { name: 'Verificar la cadena' }).click();
    await page.getByText(/^Cadena intacta hasta la entrada \d+$/).waitFor({ timeout: 60_000 });
    await page.getByText('Las actas, las verdades y los totales guardados coinciden con la cadena.').waitFor();
    await journey.check('audit');
  });

  // The witness now sees only that mesa to choose from on the upload page.
  await runJourney(castor.url, 'admin-witness', async (journey) => {
    const { page } = journey;
    await signIn(journey, witness.email, witness.password);
    await page.getByRole('heading', { name: 'Subir actas E-14' }).waitFor();
    await page.getByRole('combobox', { name: 'Mesa', exact: true }).click();
    expect(await page.getByRole('option').allTextContents()).toEqual([mesa]);
    await journey.check('own-mesa');
  });
});
