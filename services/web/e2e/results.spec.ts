import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';
import { expectChart } from './charts.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

const LEVELS = ['Departamento', 'Municipio', 'Zona', 'Puesto', 'Mesa'] as const;
const CHILDREN_TITLES = ['Departamentos', 'Municipios', 'Zonas', 'Puestos', 'Mesas'] as const;

const childrenTable = (page: Page) => page.locator('section[aria-labelledby="children-title"]');
const childRows = (page: Page) => childrenTable(page).locator('tbody tr');

/** Waits until the page shows a territory's own results (not the previous one's, dimmed). */
async function arrive(page: Page, name: string): Promise<void> {
  await page.locator('[aria-current="page"]', { hasText: name }).waitFor();
  await page.locator('[aria-busy="false"]').first().waitFor();
}

/** The territory's numbers: mesas expected, at least one vote row, every figure a number. */
async function expectNumbers(page: Page): Promise<void> {
  const figures = await page.getByTestId('figure').allTextContents();
  expect(figures.length).toBeGreaterThanOrEqual(7);
  for (const figure of figures) expect(figure).toMatch(/^\d{1,3}(\.\d{3})*$/);
  expect(Number((figures[0] ?? '').replace(/\./g, ''))).toBeGreaterThan(0);
  const votes = page.locator('section[aria-labelledby="votes-title"] tbody tr');
  expect(await votes.count()).toBeGreaterThan(3);
  // Beside the table, the same votes as bars: one per row at least (blancos and nulos included).
  await expectChart(page, /^Gráfico de barras: votos en /, 3);
}

/** Opens the child in the first row by clicking the row (its votes cell, not the link). */
async function drillIntoFirstRow(page: Page, level: number): Promise<{ code: string; name: string }> {
  const row = childRows(page).first();
  const code = (await row.locator('td').first().textContent()) ?? '';
  const name = (await row.getByRole('link').textContent()) ?? '';
  await row.locator('td').nth(2).click();
  await page.waitForURL((url) => url.searchParams.get('territorio') === code);
  await arrive(page, name);
  await page.getByRole('heading', { name: `${LEVELS[level]} ${name} (${code})` }).waitFor();
  return { code, name };
}

test('an analyst drills from the country to a mesa, comes back up and exports the table shown', async () => {
  await runJourney(castor.url, 'results-admin', async (journey) => {
    const { page } = journey;
    await page.goto('/resultados');
    await page.getByLabel('Correo electrónico').fill(castor.admin.email);
    await page.getByLabel('Contraseña').fill(castor.admin.password);
    await page.getByRole('button', { name: 'Ingresar' }).click();

    await page.getByRole('heading', { name: 'Resultados por territorio' }).waitFor();
    await arrive(page, 'Nacional');
    await childrenTable(page).getByRole('heading', { name: 'Departamentos' }).waitFor();
    await expectNumbers(page);
    await journey.check('nacional');

    // Sorting by votes, most first: the first departamento has the most votes.
    const votesHeader = childrenTable(page).getByRole('columnheader', { name: 'Votos' });
    await votesHeader.getByRole('button').click();
    await votesHeader.getByRole('button').click();
    expect(await votesHeader.getAttribute('aria-sort')).toBe('descending');
    const votes = (await childRows(page).locator('td:nth-child(9)').allTextContents()).map((text) =>
      Number(text.replace(/\./g, '')),
    );
    expect(votes).toEqual([...votes].sort((a, b) => b - a));

    const path: { code: string; name: string }[] = [];
    for (let level = 0; level < LEVELS.length; level += 1) {
      path.push(await drillIntoFirstRow(page, level));
      await expectNumbers(page);
      if (level < LEVELS.length - 1) {
        await childrenTable(page)
          .getByRole('heading', { name: CHILDREN_TITLES[level + 1] })
          .waitFor();
        expect(await childRows(page).count()).toBeGreaterThan(0);
      }
      await journey.check(LEVELS[level]?.toLowerCase() ?? 'level');
    }
    await page.getByText('La mesa es el último nivel').waitFor();
    const mesa = path.at(-1)?.code ?? '';
    expect(mesa).toMatch(/^\d{2}-\d{3}-\d{2}-\d{2}-\d{3}$/);

    // The votes panel is exactly what the API's CSV holds: it is downloaded as the API writes it.
    const [votesFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Descargar votos (CSV)' }).click(),
    ]);
    expect(votesFile.suggestedFilename()).toMatch(new RegExp(`-${mesa}\\.csv$`));
    const votesLines = (await readFile(await votesFile.path(), 'utf8')).trimEnd().split('\n');
    expect(votesLines[0]).toBe('territorio,nivel,corporacion,opcion,nombre,votos');
    expect(votesLines.slice(1).every((line) => line.startsWith(`${mesa},mesa,`))).toBe(true);
    expect(
      votesLines.some((line) => new RegExp(`^${mesa},mesa,\\w+,MESAS_ESPERADAS,MESAS ESPERADAS,1$`).test(line)),
    ).toBe(true);

    // The link holds the level: opened afresh, it shows the same mesa with its breadcrumbs.
    await page.goto(page.url());
    await arrive(page, path.at(-1)?.name ?? '');
    const crumbs = page.getByRole('navigation', { name: 'Ruta del territorio' }).getByRole('link');
    expect(await crumbs.allTextContents()).toEqual(['Nacional', ...path.slice(0, -1).map((step) => step.name)]);

    // Back up to the puesto by its breadcrumb, then export its mesas as shown.
    const puesto = path[3];
    await crumbs.filter({ hasText: puesto?.name ?? '' }).click();
    await page.waitForURL((url) => url.searchParams.get('territorio') === puesto?.code);
    await arrive(page, puesto?.name ?? '');
    await childrenTable(page).getByRole('heading', { name: 'Mesas' }).waitFor();
    const shownCodes = await childRows(page).locator('td:first-child').allTextContents();
    expect(shownCodes).toContain(mesa);
    const statuses = await childRows(page).locator('td:last-child').allTextContents();

    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Exportar tabla (CSV)' }).click(),
    ]);
    expect(file.suggestedFilename()).toMatch(new RegExp(`-${puesto?.code}-por-mesa\\.csv$`));
    const bytes = await readFile(await file.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Código;Nombre;Esperadas;Informadas;Cobertura;Validadas;En revisión;En disputa;Votos;Primero;Estado',
    );
    const rows = lines.slice(1).map((line) => line.split(';'));
    expect(rows.map((row) => row[0])).toEqual(shownCodes);
    expect(rows.map((row) => row.at(-1))).toEqual(statuses);

    // Up to the country in one click.
    await crumbs.filter({ hasText: 'Nacional' }).click();
    await page.waitForURL((url) => !url.searchParams.has('territorio'));
    await arrive(page, 'Nacional');
    await childrenTable(page).getByRole('heading', { name: 'Departamentos' }).waitFor();
  });
});

test('pressing a territory starts loading it, and the table shown stays untouched until it arrives', async () => {
  await runJourney(castor.url, 'results-drill-down', async (journey) => {
    const { page } = journey;
    await page.goto('/resultados');
    await page.getByLabel('Correo electrónico').fill(castor.admin.email);
    await page.getByLabel('Contraseña').fill(castor.admin.password);
    await page.getByRole('button', { name: 'Ingresar' }).click();
    await arrive(page, 'Nacional');

    // A departamento's results are held back until the page has been looked at while they load.
    const asked: string[] = [];
    let answer = () => {};
    const held = new Promise<void>((done) => {
      answer = done;
    });
    await page.route(
      (url) => url.pathname === '/api/results' && Boolean(url.searchParams.get('territory')),
      async (route) => {
        asked.push(new URL(route.request().url()).searchParams.get('territory') ?? '');
        await held;
        await route.continue();
      },
    );
    const row = childRows(page).first();
    const code = (await row.locator('td').first().textContent()) ?? '';
    const name = (await row.getByRole('link').textContent()) ?? '';
    const tbody = childrenTable(page).locator('tbody');
    await tbody.evaluate((element) => {
      (element as unknown as { shownBefore: boolean }).shownBefore = true;
    });

    // The press alone asks for the departamento: the request runs while the click completes.
    const box = await row.locator('td').nth(2).boundingBox();
    if (!box) throw new Error('the row is not on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await expect.poll(() => asked).toEqual([code]);
    await page.mouse.up();
    await page.waitForURL((url) => url.searchParams.get('territorio') === code);

    // While it loads, the country's table stays on screen, dimmed, the same elements (not redrawn).
    await page.locator('[aria-busy="true"]').waitFor();
    expect(await tbody.evaluate((element) => (element as unknown as { shownBefore?: boolean }).shownBefore)).toBe(true);
    answer();
    await arrive(page, name);
    await childrenTable(page).getByRole('heading', { name: 'Municipios' }).waitFor();
    // The click showed the press's answer: the departamento was asked for once.
    expect(asked).toEqual([code]);
  });
});
