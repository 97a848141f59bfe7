import { type E14Submission, mesaKey } from '@castor/contracts';
import {
  type FakeAnthropic,
  type FakeRegistraduria,
  startFakeAnthropic,
  startFakeRegistraduria,
} from '@castor/fake-apis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submissionFieldPaths } from '../../../src/domain/fusion.js';
import {
  listeningE14With,
  pipelineElection,
  processSheet,
  renderPdf,
  settled,
  sheetsOf,
} from '../../support/pipeline-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

const CODE = 'FAULTS-2026';
const election = pipelineElection(CODE, 16);
const sheets = sheetsOf(election, 16);
let anthropic: FakeAnthropic;
let site: FakeRegistraduria;
let e14: E14UnderTest;
let baseUrl: string;
let admin: string;

/** What a vision model answering the truth of `sheet` sends, with `wrong` fields off by one. */
function toolInput(sheet: E14Submission, wrong: readonly string[] = []) {
  return {
    header: {
      ...sheet.mesa,
      corporation: sheet.corporation,
      copy: sheet.copy,
      barcode: null,
      transmissionCode: null,
      page: 1,
      pageCount: 2,
    },
    fields: submissionFieldPaths(sheet).map(({ path, field }, index) => ({
      path,
      state: field.state,
      value: field.state === 'read' ? (field.value ?? 0) + (wrong.includes(path) ? 1 : 0) : null,
      confidence: 0.97,
      overwritten: false,
      region: { image: 1, x: 10, y: 10 + index * 60, width: 200, height: 50 },
    })),
  };
}

const sheet = (index: number) => {
  const found = sheets[index];
  if (!found) throw new Error(`no sheet ${index}`);
  return found;
};

beforeAll(async () => {
  anthropic = await startFakeAnthropic();
  site = await startFakeRegistraduria();
  ({ e14, baseUrl, admin } = await listeningE14With(election, {
    E14_PIPELINE_RETRY_BASE_MS: '50',
    ANTHROPIC_API_KEY: 'sk-test-pipeline',
    ANTHROPIC_BASE_URL: anthropic.url,
    ANTHROPIC_MAX_ATTEMPTS: '2',
    ANTHROPIC_TIMEOUT_MS: '1000',
    E14_REGISTRADURIA_BASE_URL: site.url,
    E14_REGISTRADURIA_RPS: '50',
    E14_REGISTRADURIA_RECHECK_MS: '100',
  }));
});
afterAll(async () => {
  await e14?.close();
  await anthropic?.close();
  await site?.close();
});

const process = (index: number) =>
  processSheet(baseUrl, admin, election, sheet(index), {
    seed: 100 + index,
    fields: { electionCode: CODE, mesa: mesaKey(sheet(index).mesa) },
  });

describe('Claude Vision as second opinion', () => {
  it('fuses both readings: every field keeps both, a disagreement goes to review', async () => {
    anthropic.setHandler(() => ({ kind: 'tool_use', input: toolInput(sheet(0), ['votes.1']) }));
    const document = await process(0);
    expect(document.state).toBe('done');
    expect(document.reading?.vision).toBe('used');
    expect(document.reading?.providers).toHaveLength(2);
    const votes1 = document.reading?.fields.find((field) => field.path === 'votes.1');
    expect(votes1?.readings.map((reading) => reading.provider)).toEqual([
      expect.stringMatching(/^castor-local/),
      expect.stringMatching(/claude|anthropic/),
    ]);
    expect(votes1?.review).not.toBeNull();
    const tasks = await e14.app.pg.query<{ field_path: string }>(
      'SELECT field_path FROM review_tasks WHERE form_id = $1',
      [document.formId],
    );
    expect(tasks.rows.map((row) => row.field_path)).toContain('votes.1');
    const spend = await e14.app.pg.query<{ calls: number }>('SELECT count(*)::int AS calls FROM ocr_usage');
    expect(spend.rows[0]?.calls).toBeGreaterThanOrEqual(1);
  });

  it('retries a 429 and uses the answer', async () => {
    const before = anthropic.requests.length;
    anthropic.setHandler(() => ({ kind: 'tool_use', input: toolInput(sheet(1)) }));
    anthropic.script({ kind: 'error', status: 429, retryAfterSeconds: 1 });
    const document = await process(1);
    expect(document.reading?.vision).toBe('used');
    expect(anthropic.requests.length - before).toBe(2);
  });

  it('falls back to the local reading, flagged, on timeouts and 500s, and the breaker opens', async () => {
    anthropic.script({ kind: 'hang' }, { times: 2 });
    const timedOut = await process(2);
    expect(timedOut.state).toBe('done');
    expect(timedOut.reading?.vision).toBe('failed');
    expect(timedOut.reading?.flags).toContain('vision_failed:PROVIDER_TIMEOUT');

    anthropic.script({ kind: 'error', status: 500 }, { times: 20 });
    const flags: string[] = [];
    for (const index of [3, 4, 5]) {
      const document = await process(index);
      expect(document.state).toBe('done');
      flags.push(...(document.reading?.flags ?? []));
    }
    expect(flags).toContain('vision_failed:PROVIDER_UNAVAILABLE');
    expect(flags).toContain('vision_failed:PROVIDER_CIRCUIT_OPEN');
    const status = (await (
      await fetch(`${baseUrl}/api/pipeline/status`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as { worker: { vision: { breaker: string } } };
    expect(status.worker.vision.breaker).toBe('open');
  });
});

describe('a departamento queued from the Registraduría site', () => {
  it('reads every published sheet; a corrupt PDF and a missing file fail alone', async () => {
    const departamento = sheet(0).mesa.departamento;
    const mine = sheets.filter((item) => item.mesa.departamento === departamento);
    expect(mine.length).toBeGreaterThanOrEqual(4);
    const [corrupt, missing, ...good] = mine;
    if (!corrupt || !missing) throw new Error('too few sheets');
    for (const [index, item] of good.entries()) site.publish(item.mesa, await renderPdf(election, item, 300 + index));
    const broken = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n');
    site.publish(corrupt.mesa, broken);

    const response = await fetch(`${baseUrl}/api/queue/department`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ electionCode: CODE, corporation: 'PRESIDENTE', departamento }),
    });
    expect(response.status).toBe(202);
    const queued = (await response.json()) as { queued: number; documentIds: number[] };
    const mesas = await e14.app.pg.query(
      'SELECT 1 FROM mesas m JOIN elections e ON e.id = m.election_id WHERE e.code = $1 AND m.mesa_key LIKE $2',
      [CODE, `${departamento}-%`],
    );
    expect(queued.queued).toBe(mesas.rowCount);
    const documents = await Promise.all(queued.documentIds.map((id) => settled(baseUrl, admin, id, 120_000)));
    const byMesa = new Map(documents.map((document) => [document.mesaKey, document]));
    expect(byMesa.get(mesaKey(corrupt.mesa))).toMatchObject({ state: 'failed', error: { code: 'PDF_BROKEN' } });
    // Looked for again until the attempts ran out: a dead letter that says why.
    expect(byMesa.get(mesaKey(missing.mesa))).toMatchObject({ state: 'dead', error: { code: 'MESA_NOT_IN_INDEX' } });
    for (const item of good) {
      const document = byMesa.get(mesaKey(item.mesa));
      expect(document?.state).toBe('done');
      // The breaker opened in the test above: the batch goes on with local readings, flagged.
      expect(document?.reading?.flags).toEqual([expect.stringMatching(/^vision_failed:PROVIDER_/)]);
    }
    const again = await fetch(`${baseUrl}/api/queue/table`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ electionCode: CODE, corporation: 'PRESIDENTE', mesa: '99-999-99-99-999' }),
    });
    expect(again.status).toBe(422);
  });
});

describe('files on the Registraduría site', () => {
  const post = (path: string, body: unknown) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('takes a URL under the configured base, once per content, and refuses others', async () => {
    const item = sheet(10);
    const published = site.publish(item.mesa, await renderPdf(election, item, 410));
    const url = `${site.url}${published.path}`;
    const first = await post('/api/e14/process', { url, electionCode: CODE });
    expect(first.status).toBe(202);
    const accepted = (await first.json()) as { documentId: number; duplicate: boolean };
    expect(accepted.duplicate).toBe(false);
    const again = await post('/api/e14/process', { url, electionCode: CODE });
    expect(await again.json()).toMatchObject({ documentId: accepted.documentId, duplicate: true });
    // The route's own name takes the same URL request as its alias: the same document.
    const renamed = await post('/api/e14/documents', { url, electionCode: CODE });
    expect([renamed.status, await renamed.json()]).toMatchObject([
      202,
      { documentId: accepted.documentId, duplicate: true },
    ]);
    const document = await settled(baseUrl, admin, accepted.documentId);
    expect(document).toMatchObject({ state: 'done', kind: 'url', originUrl: url, mesaKey: mesaKey(item.mesa) });

    const elsewhere = await post('/api/e14/process', { url: 'http://127.0.0.1:9/x.pdf', electionCode: CODE });
    expect([elsewhere.status, ((await elsewhere.json()) as { error: { code: string } }).error.code]).toEqual([
      422,
      'URL_NOT_ALLOWED',
    ]);
    const absent = await post('/api/e14/process', {
      url: `${site.url}/assets/temis/pdf/nothing.pdf`,
      electionCode: CODE,
    });
    expect([absent.status, ((await absent.json()) as { error: { code: string } }).error.code]).toEqual([
      422,
      'HTML_INSTEAD_OF_PDF',
    ]);
  });

  it('queues one mesa by hand, and not twice while it waits', async () => {
    const item = sheet(11);
    site.publish(item.mesa, await renderPdf(election, item, 411));
    const body = { electionCode: CODE, corporation: 'PRESIDENTE', mesa: mesaKey(item.mesa) };
    const first = await post('/api/queue/table', body);
    expect(first.status).toBe(202);
    const queued = (await first.json()) as { queued: number; documentIds: number[] };
    expect(queued.queued).toBe(1);
    // Reading a sheet takes far longer than this second request: the mesa is still waiting.
    expect(await (await post('/api/queue/table', body)).json()).toEqual({
      queued: 0,
      alreadyQueued: 1,
      documentIds: queued.documentIds,
    });
    const [id] = queued.documentIds;
    const document = await settled(baseUrl, admin, id as number);
    expect(document).toMatchObject({ error: null, state: 'done', kind: 'registraduria', priority: 5 });
  });
});
