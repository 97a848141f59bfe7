import type { DocumentResponse, E14SubmissionV2 } from '@castor/contracts';
import { createRng } from '@castor/digit-recognizer';
import { renderSheetPdf } from '@castor/e14-sheets';
import { generateElection, type SyntheticElection } from '@castor/e14-synth';
import { type E14UnderTest, startE14ForTests } from '../testing.js';

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

export function sheetsOf(election: SyntheticElection, count: number): E14SubmissionV2[] {
  return [...election.submissions({ copies: ['delegados'] })].slice(0, count);
}

export async function renderPdf(
  election: SyntheticElection,
  submission: E14SubmissionV2,
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

/** An e14-service listening on loopback with one read thread and a fast poll, and an admin token. */
export async function listeningE14(): Promise<{ e14: E14UnderTest; baseUrl: string; admin: string }> {
  const e14 = await startE14ForTests({ E14_PIPELINE_READ_THREADS: '1', E14_PIPELINE_POLL_MS: '50' });
  const baseUrl = await e14.app.listen({ host: '127.0.0.1', port: 0 });
  return { e14, baseUrl, admin: (await e14.token('admin')).token };
}

/** Imports a divipol over HTTP (the pipeline tests run a listening service). */
export function importDivipol(baseUrl: string, token: string, divipol: unknown): Promise<Response> {
  return fetch(`${baseUrl}/api/elections/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(divipol),
  });
}

export async function upload(
  baseUrl: string,
  token: string,
  bytes: Uint8Array,
  fields: Record<string, string>,
  fileName = 'e14.pdf',
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([bytes]), fileName);
  return fetch(`${baseUrl}/api/e14/process`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
}

/** Polls a document until it leaves the queue (done, failed or dead). */
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
    if (['done', 'failed', 'dead'].includes(document.state)) return document;
    if (Date.now() > deadline) throw new Error(`document ${id} still ${document.state}/${document.stage}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
