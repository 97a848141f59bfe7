import type { TeamMember, TeamTask } from '@castor/contracts';
import type { Page } from 'playwright-core';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { adminToken, choose, download, signInAt } from './campaign-data.js';
import { castorApi } from './castor-api.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

/** A form of the page, by its heading. */
const form = (page: Page, title: string) => page.locator('form', { has: page.getByRole('heading', { name: title }) });

const column = (page: Page, status: string) => page.getByRole('region', { name: new RegExp(`^${status} \\(\\d+\\)$`) });

/** Moves a task from its card's status select and waits for the PATCH it sends. */
async function move(page: Page, title: string, status: string) {
  const [answer] = await Promise.all([
    page.waitForResponse(
      (response) =>
        response.request().method() === 'PATCH' && new URL(response.url()).pathname.startsWith('/api/team/tasks/'),
    ),
    choose(page, `Estado de «${title}»`, status),
  ]);
  return answer;
}

test('an admin adds a member, creates and assigns a task and moves it; a member moves only their own', async () => {
  const run = Date.now().toString(36);
  const member = {
    email: `equipo-${run}@castor.test`,
    password: 'una clave de campaña larga',
    name: `Valentina ${run}`,
  };
  const registered = await fetch(`${castor.url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(member),
  });
  expect(registered.status).toBe(201);
  const { user } = (await registered.json()) as { user: { id: string } };
  const token = await adminToken(castor);
  // Valentina's CASTOR account is linked to her place in the team, so she may move her tasks.
  await castorApi<TeamMember>(castor, '/api/team/members', {
    token,
    body: { name: member.name, userId: user.id, role: 'field', territory: 'Valle del Cauca' },
  });
  const colleague = `Camilo ${run}`;
  const ownTask = `Visitar Tuluá ${run}`;
  const otherTask = `Llamar a los líderes de Buga ${run}`;

  await runJourney(castor.url, 'team-admin', async (journey) => {
    const { page } = journey;
    await signInAt(page, '/equipo', castor.admin, 'Equipo');
    await page.getByRole('heading', { name: 'Tablero de tareas' }).waitFor();

    const addMember = form(page, 'Nuevo integrante');
    await addMember.getByLabel('Nombre').fill(colleague);
    await choose(page, 'Rol en la campaña', 'Comunicaciones');
    await addMember.getByRole('button', { name: 'Agregar integrante' }).click();
    await page.getByText(`Se agregó a ${colleague} al equipo.`).waitFor();
    await page.getByRole('cell', { name: colleague, exact: true }).waitFor();

    for (const [title, owner] of [
      [ownTask, member.name],
      [otherTask, colleague],
    ] as const) {
      const createTask = form(page, 'Nueva tarea');
      await createTask.getByLabel('Título').fill(title);
      await choose(page, 'Responsable', owner);
      await createTask.getByLabel('Territorio').fill('Valle del Cauca');
      await choose(page, 'Prioridad', 'Alta');
      await createTask.getByRole('button', { name: 'Crear tarea' }).click();
      await page.getByText(`Se creó la tarea «${title}».`).waitFor();
      await column(page, 'Por hacer').locator(`[data-task="${title}"]`).waitFor();
    }
    const card = column(page, 'Por hacer').locator(`[data-task="${ownTask}"]`);
    expect(await card.textContent()).toContain(`Responsable: ${member.name}`);
    expect(await card.textContent()).toContain('Alta');

    expect((await move(page, ownTask, 'En curso')).status()).toBe(200);
    await column(page, 'En curso').locator(`[data-task="${ownTask}"]`).waitFor();
    await page.getByText(`«${ownTask}» pasó a En curso.`).waitFor();
    await journey.check('team-board');

    const csv = await download(page, 'Descargar tareas (CSV)');
    expect(csv.name).toBe('tareas.csv');
    expect(csv.text).toContain(ownTask);
    await journey.quiet();
  });

  const tasks = await castorApi<{ tasks: TeamTask[] }>(castor, '/api/team/tasks', { token });
  const other = tasks.tasks.find((task) => task.title === otherTask);
  if (!other) throw new Error(`the task ${otherTask} is not listed`);

  await runJourney(castor.url, 'team-member', async (journey) => {
    const { page } = journey;
    await signInAt(page, '/equipo', member, 'Equipo');
    // A member sees the board but not the forms that create tasks and members.
    await column(page, 'En curso').locator(`[data-task="${ownTask}"]`).waitFor();
    expect(await page.getByRole('button', { name: 'Crear tarea' }).count()).toBe(0);
    expect(await column(page, 'En curso').locator(`[data-task="${ownTask}"]`).textContent()).toContain('(Suya)');

    expect((await move(page, ownTask, 'Hecha')).status()).toBe(200);
    await column(page, 'Hecha').locator(`[data-task="${ownTask}"]`).waitFor();

    journey.expectFailure(403, `/api/team/tasks/${other.id}`);
    expect((await move(page, otherTask, 'Bloqueada')).status()).toBe(403);
    await page.getByText('Solo puede mover sus propias tareas: esta es de otra persona.').waitFor();
    // The refused move leaves the task where it was.
    await column(page, 'Por hacer').locator(`[data-task="${otherTask}"]`).waitFor();
    await journey.check('team-member-refused');
  });
});
