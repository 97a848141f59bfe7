import type { DivipolDocument } from '@castor/contracts';
import { type E14UnderTest, startE14ForTests } from '../testing.js';
import { bearer, divipol, ELECTION, get, honestSheet, importFixture, post } from './fixtures.js';
import { beforeAllStarted } from './lifecycle.js';

/** A new e14 with the fixture election imported, and an admin's token. */
export async function startWithFixtureElection(): Promise<{ e14: E14UnderTest; admin: string }> {
  const e14 = await startE14ForTests();
  try {
    const admin = (await e14.token('admin')).token;
    await importFixture(e14, admin);
    return { e14, admin };
  } catch (error) {
    await e14.close();
    throw error;
  }
}

/**
 * For a test file: a new e14 with the fixture election and an admin's token, handed to `use`
 * before the file's tests (`use` may set up more); the e14 closed after them.
 */
export function withFixtureElection(use: (started: { e14: E14UnderTest; admin: string }) => unknown): void {
  beforeAllStarted(startWithFixtureElection, use);
}

/** A Gobernador vote row: the given candidates' votes, then 0 up to the ten candidates of the fixture. */
export const votes = (values: number[]) => [...values, ...Array.from({ length: 10 - values.length }, () => 0)];

/** The records an admin reads: alerts (by query string) and results (by territory) of the fixture election. */
export function recordsOf(e14: E14UnderTest, admin: string) {
  return {
    alerts: async (query: string) => (await get(e14, `/api/alerts?election=${ELECTION}&${query}`, admin)).json(),
    results: async (territory = '', format = 'json') =>
      get(
        e14,
        `/api/results?election=${ELECTION}&corporation=GOBERNADOR&territory=${territory}&format=${format}`,
        admin,
      ),
  };
}

/** The fixture divipol amended with mesa 003 (380 habilitados) in Bogotá's only puesto. */
export function divipolWithOneMoreMesa(): DivipolDocument {
  const changed = divipol();
  const puesto = changed.departamentos[1]?.municipios[0]?.zonas[0]?.puestos[0];
  puesto?.mesas.push({ code: '003', habilitados: 380 });
  return changed;
}

/** The mesa whose copies differ. */
export const COPIES_DIFFER_MESA = '01-031-99-01-002';

/**
 * Three copies of mesa 01-031-99-01-002: claveros and transmisión agree (120, 80), delegados
 * differs (110, 90). Returns the responses to the agreeing copies and to the odd one.
 */
export async function submitCopiesThatDiffer(e14: E14UnderTest, admin: string) {
  const agreeing = [];
  for (const copy of ['claveros', 'transmision'] as const) {
    agreeing.push(
      await post(e14, '/api/e14/process-v2', admin, honestSheet(COPIES_DIFFER_MESA, votes([120, 80]), { copy })),
    );
  }
  const odd = await post(
    e14,
    '/api/e14/process-v2',
    admin,
    honestSheet(COPIES_DIFFER_MESA, votes([110, 90]), { copy: 'delegados' }),
  );
  return { agreeing, odd };
}

/** The mesa with official feeds. */
export const OFFICIAL_FEED_MESA = '01-031-99-01-003';

/** A castor-official/1 CSV of mesa 01-031-99-01-003: candidates 1 and 2, blank 2, null 1, unmarked 1. */
export const officialFeed = (first: number, second: number) =>
  [
    'departamento,municipio,zona,puesto,mesa,corporacion,opcion,votos',
    `01,031,99,01,003,GOBERNADOR,1,${first}`,
    `01,031,99,01,003,GOBERNADOR,2,${second}`,
    '01,031,99,01,003,GOBERNADOR,BLANCO,2',
    '01,031,99,01,003,GOBERNADOR,NULO,1',
    '01,031,99,01,003,GOBERNADOR,NO_MARCADO,1',
    '',
  ].join('\n');

export function sendOfficialFeed(e14: E14UnderTest, admin: string, source: string, text: string) {
  return e14.app.inject({
    method: 'POST',
    url: `/api/elections/${ELECTION}/official/${source}`,
    headers: { ...bearer(admin), 'content-type': 'text/csv' },
    payload: text,
  });
}

/**
 * Mesa 01-031-99-01-003 read 150 and 100 on its E-14, the preconteo agreeing and the escrutinio
 * saying 140 and 110 (so the mesa is disputed).
 */
export async function submitWithOfficialFeeds(e14: E14UnderTest, admin: string) {
  const responses = [
    await post(e14, '/api/e14/process-v2', admin, honestSheet(OFFICIAL_FEED_MESA, votes([150, 100]))),
    await sendOfficialFeed(e14, admin, 'preconteo', officialFeed(150, 100)),
    await sendOfficialFeed(e14, admin, 'escrutinio', officialFeed(140, 110)),
  ];
  const failed = responses.find((response) => response.statusCode >= 300);
  if (failed) throw new Error(`setting up the official feeds failed: ${failed.body}`);
}

/** Honest sheets for mesas 001–003 of puesto 02 (31, 32, 33 votes for candidate 1 and 20 for candidate 2). */
export async function submitPuestoTwoSheets(e14: E14UnderTest, admin: string): Promise<void> {
  for (let mesa = 1; mesa <= 3; mesa += 1) {
    const sheet = honestSheet(`01-031-99-02-00${mesa}`, [30 + mesa, 20, 0, 0, 0, 0, 0, 0, 0, 0]);
    const response = await post(e14, '/api/e14/process-v2', admin, sheet);
    if (response.statusCode !== 201) throw new Error(`sheet ${mesa} was not stored: ${response.body}`);
  }
}
