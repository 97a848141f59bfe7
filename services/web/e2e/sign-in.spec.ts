import { expect, inject, test } from 'vitest';
import { chromiumForThisFile } from './browser.js';

const castor = inject('castor');
const runJourney = chromiumForThisFile();

test('the demo admin signs in and lands on a populated election night', async () => {
  await runJourney(castor.url, 'sign-in-admin', async (journey) => {
    const { page } = journey;
    // A signed-out visit to a page goes to the sign-in page, and back to that page once signed in.
    await page.goto('/noche-electoral');
    await page.getByRole('heading', { name: 'Ingresar a CASTOR' }).waitFor();
    await journey.check('sign-in');

    await page.getByLabel('Correo electrónico').fill(castor.admin.email);
    await page.getByLabel('Contraseña').fill(castor.admin.password);
    await page.getByRole('button', { name: 'Ingresar' }).click();

    await page.getByRole('heading', { name: 'Noche electoral' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/noche-electoral');
    const expected = page
      .locator('section', { hasText: 'Esperadas' })
      .getByText(/^[\d.]+$/)
      .first();
    await expected.waitFor();
    expect(Number((await expected.textContent())?.replace(/\./g, ''))).toBeGreaterThan(0);
    await page.getByText(/Última actualización: /).waitFor();
    await page.getByText('Alertas abiertas por severidad').waitFor();
    await page.getByRole('table', { name: 'Alertas más recientes' }).waitFor();
    await journey.check('election-night');
  });
});

test('a wrong password is refused in Spanish words', async () => {
  await runJourney(castor.url, 'sign-in-wrong-password', async (journey) => {
    const { page } = journey;
    journey.expectFailure(401, '/api/auth/login');
    await page.goto('/ingresar');
    await page.getByLabel('Correo electrónico').fill(castor.admin.email);
    await page.getByLabel('Contraseña').fill('not the password of this account');
    await page.getByRole('button', { name: 'Ingresar' }).click();
    await page.getByText('El correo o la contraseña no son correctos.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/ingresar');
    await journey.check('wrong-password');
  });
});

test('a session ended on the server mid-work sends the person to sign in again, with the reason', async () => {
  await runJourney(castor.url, 'session-expiry', async (journey) => {
    const { page } = journey;
    await page.goto('/ingresar');
    await page.getByLabel('Correo electrónico').fill(castor.admin.email);
    await page.getByLabel('Contraseña').fill(castor.admin.password);
    await page.getByRole('button', { name: 'Ingresar' }).click();
    await page.getByRole('heading', { name: 'Noche electoral' }).waitFor();

    // Another session of the same account signs out everywhere: every refresh token and live
    // access token of the account is revoked (e14-service learns it from core's feed within seconds).
    const login = await fetch(`${castor.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(castor.admin),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const logout = await fetch(`${castor.url}/api/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ allSessions: true }),
    });
    expect(logout.status).toBe(200);

    // The page's calls are refused, its silent refresh too.
    for (const path of [
      '/api/results',
      '/api/pipeline/status',
      '/api/pipeline/activity',
      '/api/alerts',
      '/api/elections',
      '/api/auth/refresh',
    ]) {
      journey.expectFailure(401, path);
    }
    const signIn = page.getByRole('heading', { name: 'Ingresar a CASTOR' });
    for (let attempt = 0; attempt < 20 && !(await signIn.isVisible()); attempt += 1) {
      await page
        .getByRole('button', { name: 'Actualizar ahora' })
        .click({ timeout: 1_000 })
        .catch(() => undefined);
      await signIn.waitFor({ timeout: 1_000 }).catch(() => undefined);
    }
    await page.getByText('Su sesión terminó. Ingrese de nuevo para continuar.').waitFor();
    await journey.check('session-ended');

    // Signing in again returns to the page the person was on.
    await page.getByLabel('Correo electrónico').fill(castor.admin.email);
    await page.getByLabel('Contraseña').fill(castor.admin.password);
    await page.getByRole('button', { name: 'Ingresar' }).click();
    await page.getByRole('heading', { name: 'Noche electoral' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/noche-electoral');
  });
});
