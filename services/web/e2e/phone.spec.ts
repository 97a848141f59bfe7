import type { Page } from 'playwright-core';
import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

/** Every page of the navigation, by the label a person taps, and the heading it opens on. */
const PAGES = [
  { link: 'Resultados', heading: 'Resultados por territorio' },
  { link: 'Conversación', heading: 'Conversación' },
  { link: 'Rivales', heading: 'Rivales' },
  { link: 'Tendencias', heading: 'Tendencias' },
  { link: 'Documentos', heading: 'Documentos de la campaña' },
  { link: 'Chat', heading: 'Chat con los documentos' },
  { link: 'Equipo', heading: 'Equipo' },
  { link: 'Revisión', heading: 'Mesa de revisión' },
  { link: 'Alertas', heading: 'Alertas' },
  { link: 'Subir actas', heading: 'Subir actas E-14' },
  { link: 'Administración', heading: 'Administración' },
  { link: 'Noche electoral', heading: 'Noche electoral' },
] as const;

/** How far the page is wider than the phone's screen (0 when nothing makes the person scroll sideways). */
const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('on a phone every page fits the screen and the navigation opens from its button', async () => {
  await runJourney(
    castor.url,
    'phone',
    async (journey) => {
      const { page } = journey;
      await page.goto('/ingresar');
      expect(await sidewaysOverflow(page)).toBe(0);
      await page.getByLabel('Correo electrónico').fill(castor.admin.email);
      await page.getByLabel('Contraseña').fill(castor.admin.password);
      await page.getByRole('button', { name: 'Ingresar' }).click();
      await page.getByRole('heading', { name: 'Noche electoral' }).waitFor();

      // On a phone the navigation is folded away behind its button, which opens it.
      const navigation = page.getByRole('navigation', { name: 'Navegación principal' });
      for (const { link, heading } of PAGES) {
        await page.getByRole('button', { name: 'Abrir la navegación' }).click();
        await navigation.getByRole('link', { name: link }).click();
        await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
        await journey.quiet();
        expect(await sidewaysOverflow(page), `${heading} is wider than the phone`).toBe(0);
        await journey.check(heading.toLowerCase().replaceAll(' ', '-'));
      }

      // A witness on the upload page can take the photo with the phone's camera.
      await page.getByRole('button', { name: 'Abrir la navegación' }).click();
      await navigation.getByRole('link', { name: 'Subir actas' }).click();
      await page.getByRole('heading', { name: 'Subir actas E-14', level: 2 }).waitFor();
      expect(await page.locator('input[type=file][capture=environment]').count()).toBe(1);
    },
    'phone',
  );
});
