import { DEMO_CANDIDATES } from './candidates.js';
import { toImportCsv } from './export.js';
import { generateConversation } from './generate.js';

export interface DemoTarget {
  /** dashboard-ia's base URL (or the gateway's). */
  baseUrl: string;
  /** An admin's or analyst's access token. */
  token: string;
}

export interface DemoReport {
  loaded: boolean;
  candidates: number;
  posts: number;
}

/**
 * Loads the demo conversation through dashboard-ia's own API (the same routes a campaign uses):
 * the candidates, then one import of six weeks of posts ending now. Skipped when the demo's own
 * candidate is already followed.
 */
export async function loadDemoConversation(target: DemoTarget): Promise<DemoReport> {
  const conversation = generateConversation();
  const headers = { authorization: `Bearer ${target.token}` };
  const own = conversation.candidates.find((candidate) => candidate.own);
  const known = await fetch(`${target.baseUrl}/api/campaign/candidates/${own?.slug}`, { headers });
  if (known.ok) return { loaded: false, candidates: conversation.candidates.length, posts: 0 };
  for (const { mentions: _mentions, weight: _weight, tone: _tone, ...candidate } of conversation.candidates) {
    const created = await fetch(`${target.baseUrl}/api/campaign/candidates`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(candidate),
    });
    if (!created.ok && created.status !== 409) {
      throw new Error(`candidate ${candidate.slug} not created: ${created.status} ${await created.text()}`);
    }
  }
  const imported = await fetch(`${target.baseUrl}/api/media/import`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/csv' },
    body: toImportCsv(conversation.posts),
  });
  if (!imported.ok) throw new Error(`demo posts not imported: ${imported.status} ${await imported.text()}`);
  return { loaded: true, candidates: conversation.candidates.length, posts: conversation.posts.length };
}

/** The demo's polls contest: the example file's real 2014 numbers, said to be an example. */
export const DEMO_POLLS_CONTEST =
  'EJEMPLO: encuestas reales de la 1.ª vuelta de 2014 (Santos, Zuluaga, Ramírez, López) asignadas en orden a candidatos ficticios';
/** The 2014 first round's candidates in the example file, matched in this order to DEMO_CANDIDATES. */
const EXAMPLE_POLL_COLUMNS = ['santos', 'zuluaga', 'ramirez', 'lopez'] as const;
/** The example file's first-round polls were all fielded by this day; the later ones are runoff polls. */
const FIRST_ROUND_FIELDWORK_END = '2014-05-15';

/**
 * Imports the example polls file (packages/forecast/data, Colombia 2014) so the forecast page shows
 * polls beside the index: the first-round rows only (a runoff is another contest), their candidates
 * mapped in order to the fictional ones, under a contest name that says it is an example. A second
 * run is a replay (the import is idempotent).
 */
export async function loadDemoPolls(target: DemoTarget, examplePollsTsv: string): Promise<{ polls: number }> {
  const [header = '', ...rows] = examplePollsTsv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const upTo = header.split('\t').indexOf('up_to');
  const firstRound = rows.filter((row) => (row.split('\t')[upTo] ?? '') <= FIRST_ROUND_FIELDWORK_END);
  const mapping = Object.fromEntries(
    EXAMPLE_POLL_COLUMNS.map((column, index) => [column, DEMO_CANDIDATES[index]?.slug as string]),
  );
  const response = await fetch(`${target.baseUrl}/api/forecast/polls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ contest: DEMO_POLLS_CONTEST, content: [header, ...firstRound].join('\n'), mapping }),
  });
  if (!response.ok) throw new Error(`demo polls not imported: ${response.status} ${await response.text()}`);
  return { polls: ((await response.json()) as { polls: number }).polls };
}
