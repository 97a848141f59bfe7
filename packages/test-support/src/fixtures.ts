import { fileURLToPath } from 'node:url';

/**
 * The real E-14 data the tests read (fixtures/e14, attribution in its README): `real/` holds the
 * published 2026 sheets of both rounds and their labels (`real-sheets.ts` parses them); `negative/` what the
 * Registraduría's site answers for a missing file. Kept in the repository so a fresh clone tests alone.
 */
export const E14_REAL_DIR = fileURLToPath(new URL('../fixtures/e14/real/', import.meta.url));
export const E14_NEGATIVE_DIR = fileURLToPath(new URL('../fixtures/e14/negative/', import.meta.url));
