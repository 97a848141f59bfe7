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
