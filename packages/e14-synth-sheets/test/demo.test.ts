import { describe, expect, it } from 'vitest';
import { demoElection } from '../src/demo.js';

/** The cells of a submission read as doubtful: illegible, below full confidence or over-written. */
function doubtfulCells(value: unknown, path = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const cell = value as { state?: unknown; confidence?: unknown; overwritten?: unknown };
  if (cell.state === 'illegible' || (typeof cell.confidence === 'number' && cell.confidence < 1) || cell.overwritten) {
    return [path];
  }
  return Object.entries(value).flatMap(([key, inner]) => doubtfulCells(inner, `${path}.${key}`));
}

describe('the demo election pnpm start loads', () => {
  it('sends its structured copies, which have no scan, without a cell a reviewer would have to read', () => {
    const doubtful = [...demoElection().submissions({ copies: ['claveros', 'delegados'] })].flatMap((submission) =>
      doubtfulCells(submission).map((path) => `${submission.mesa.departamento}-${submission.corporation}${path}`),
    );
    expect(doubtful).toEqual([]);
  });
});
