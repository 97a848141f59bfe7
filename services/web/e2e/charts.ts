import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Waits for the chart named `label` to be drawn, and checks it is one: an image with that accessible
 * name, described by a summary with numbers, holding an SVG with at least `shapes` drawn shapes.
 */
export async function expectChart(page: Page, label: string | RegExp, shapes = 3): Promise<void> {
  const chart = page.getByRole('img', { name: label });
  await chart
    .locator('svg path')
    .nth(shapes - 1)
    .waitFor({ state: 'attached' });
  const drawn = await chart.evaluate((element) => {
    const sized = Array.from(element.querySelectorAll('svg path')).filter((path) => {
      const box = (path as SVGGraphicsElement).getBBox();
      return box.width > 0 && box.height > 0;
    });
    return { sized: sized.length, summary: element.getAttribute('aria-describedby') };
  });
  expect(drawn.sized).toBeGreaterThanOrEqual(shapes);
  const summary = page.locator(`[id="${drawn.summary}"]`);
  expect(await summary.textContent()).toMatch(/\d/);
}
