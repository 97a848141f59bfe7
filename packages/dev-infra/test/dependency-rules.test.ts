import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { afterEach, describe, expect, it } from 'vitest';

// The configuration `pnpm deps` checks the repository with, tried on small fixture trees.
const configFile = fileURLToPath(new URL('../../../.dependency-cruiser.mjs', import.meta.url));

const fixtures: string[] = [];
afterEach(async () => {
  for (const fixture of fixtures.splice(0)) await rm(fixture, { recursive: true, force: true });
});

/** A service laid out as ARCHITECTURE.md says, written to a temporary folder: path → source. */
async function fixtureService(files: Record<string, string>): Promise<string> {
  const baseDir = await mkdtemp(join(tmpdir(), 'castor-deps-'));
  fixtures.push(baseDir);
  for (const [path, source] of Object.entries(files)) {
    await mkdir(dirname(join(baseDir, path)), { recursive: true });
    await writeFile(join(baseDir, path), source);
  }
  return baseDir;
}

async function violationsIn(baseDir: string) {
  const options = await extractDepcruiseOptions(configFile);
  const { output } = await cruise(['services'], { ...options, baseDir });
  return (output as ICruiseResult).summary.violations;
}

const review = {
  'services/svc/src/shared/mesa.ts': "export const mesaKey = (mesa: string) => 'mesa:' + mesa;\n",
  'services/svc/src/features/review/review.service.ts':
    "import { mesaKey } from '../../shared/mesa.js';\nexport const reviewTask = (mesa: string) => mesaKey(mesa);\n",
};

describe('the dependency rules', () => {
  it('refuse a feature that imports another feature', async () => {
    const baseDir = await fixtureService({
      ...review,
      'services/svc/src/features/intake/intake.service.ts':
        "import { reviewTask } from '../review/review.service.js';\nexport const intake = (mesa: string) => reviewTask(mesa);\n",
    });
    expect(await violationsIn(baseDir)).toEqual([
      expect.objectContaining({
        rule: { name: 'no-cross-feature', severity: 'error' },
        from: 'services/svc/src/features/intake/intake.service.ts',
        to: 'services/svc/src/features/review/review.service.ts',
      }),
    ]);
  });

  it('let features share through src/shared', async () => {
    const baseDir = await fixtureService({
      ...review,
      'services/svc/src/features/intake/intake.service.ts':
        "import { mesaKey } from '../../shared/mesa.js';\nexport const intake = (mesa: string) => mesaKey(mesa);\n",
    });
    expect(await violationsIn(baseDir)).toEqual([]);
  });
});
