import type { DocumentResponse, E14Submission } from '@castor/contracts';
import { generateElection, type SyntheticElection } from '@castor/e14-synth';
import { renderSheetPdf } from '@castor/e14-synth-sheets';
import { createRng } from '@castor/seeded-random';
import { expect } from 'vitest';
import { type ListeningE14, startListeningE14 } from './lifecycle.js';

/** A small Presidente second round (the published layout): a few mesas with truth. */
export function pipelineElection(code: string, mesas = 12): SyntheticElection {
  return generateElection({
    seed: 41,
    scale: { departamentos: ['01', '16'], municipios: 3, puestos: 4, mesas },
    corporations: ['PRESIDENTE'],
    presidentialRound: 2,
    electionCode: code,
  });
}

export function sheetsOf(election: SyntheticElection, count: number): E14Submission[] {
  return [...election.submissions({ copies: ['delegados'] })].slice(0, count);
}

export async function renderPdf(
  election: SyntheticElection,
  submission: E14Submission,
  seed: number,
  overwriteRate = 0,
): Promise<Uint8Array> {
  const candidates = election.divipol.candidates.filter((c) => c.corporation === submission.corporation);
  const sheet = await renderSheetPdf(
    submission,
    { candidates },
    { maxRotationDeg: 1.5, overwriteRate },
    createRng(`pipeline-${seed}`),
  );
  return sheet.pdf;
}

/** An e14-service listening on loopback with one read thread and a fast poll (then `env`), and an admin token. */
export function listeningE14(env: Record<string, string> = {}): Promise<ListeningE14> {
  return startListeningE14({ E14_PIPELINE_READ_THREADS: '1', E14_PIPELINE_POLL_MS: '50', ...env });
}

/** `listeningE14(env)` with the divipol of `election` imported (over HTTP). */
export async function listeningE14With(election: SyntheticElection, env: Record<string, string> = {}) {
  const started = await listeningE14(env);
  try {
    const imported = await importDivipol(started.baseUrl, started.admin, election.divipol);
    expect(imported.status).toBe(200);
    return started;
  } catch (error) {
    await started.e14.close();
    throw error;
  }
}

/** Imports a divipol over HTTP (the pipeline tests run a listening service). */
export function importDivipol(baseUrl: string, token: string, divipol: unknown): Promise<Response> {
  return fetch(`${baseUrl}/api/elections/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(divipol),
  });
}

/** Sends a scanned E-14 as multipart to POST /api/e14/documents (or to `path`, e.g. its alias /api/e14/process). */
export async function upload(
  baseUrl: string,
  token: string,
  bytes: Uint8Array,
  fields: Record<string, string>,
  path = '/api/e14/documents',
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([bytes]), 'e14.pdf');
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
}

/** Polls a document until it leaves the queue (done, failed, dead, quarantined or replaced). */
export async function settled(
  baseUrl: string,
  token: string,
  id: number,
  timeoutMs = 60_000,
): Promise<DocumentResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${baseUrl}/api/e14/documents/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const document = (await response.json()) as DocumentResponse;
    if (document.state !== 'queued' && document.state !== 'processing') return document;
    if (Date.now() > deadline) throw new Error(`document ${id} still ${document.state}/${document.stage}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Renders `submission` (with `seed`, and `overwriteRate` of over-written cells), uploads it with
 * `fields`, expects it accepted (202) and waits until it leaves the queue.
 */
export async function processSheet(
  baseUrl: string,
  token: string,
  election: SyntheticElection,
  submission: E14Submission,
  { seed, fields, overwriteRate = 0 }: { seed: number; fields: Record<string, string>; overwriteRate?: number },
): Promise<DocumentResponse> {
  const accepted = await upload(baseUrl, token, await renderPdf(election, submission, seed, overwriteRate), fields);
  expect(accepted.status).toBe(202);
  return settled(baseUrl, token, ((await accepted.json()) as { documentId: number }).documentId);
}
