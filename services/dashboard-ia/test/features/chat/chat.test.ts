import type { RagChatRequest } from '@castor/contracts';
import { type Campaign, generateCorpus, INJECTION_TEXT } from '@castor/documents-synth';
import { type FakeOpenAi, startFakeOpenAi } from '@castor/fake-apis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RAG_SYSTEM_PROMPT } from '../../../src/features/chat/chat.service.js';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';
import { untilEmbedded, uploadDocument } from '../documents/upload.js';

const OPENAI_KEY = 'sk-test-chat';

async function uploadCorpus(service: DashboardUnderTest, token: string) {
  const corpus = await generateCorpus();
  for (const file of corpus.files) {
    const response = await uploadDocument(service, token, file);
    expect(response.statusCode, response.body).toBe(201);
  }
  return corpus.campaign;
}

/** The events of a text/event-stream body, in order. */
function eventsOf(body: string): Array<{ event: string; data: unknown }> {
  return body
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event = /^event: (.+)$/m.exec(block)?.[1] ?? '';
      const data = /^data: (.+)$/m.exec(block)?.[1] ?? 'null';
      return { event, data: JSON.parse(data) };
    });
}

describe('POST /api/chat/rag, offline (extractive)', () => {
  let service: DashboardUnderTest;
  let analyst: string;
  let viewer: string;
  let campaign: Campaign;

  beforeAll(async () => {
    service = await startDashboardForTests();
    analyst = (await service.token('analyst')).token;
    viewer = (await service.token('viewer')).token;
    campaign = await uploadCorpus(service, analyst);
  });
  afterAll(async () => service?.close());

  const ask = (payload: RagChatRequest, token = analyst, accept = 'application/json') =>
    service.app.inject({
      method: 'POST',
      url: '/api/chat/rag',
      headers: { authorization: `Bearer ${token}`, accept },
      payload,
    });

  it('answers literal questions by quoting the passage that holds the answer, each claim cited and resolvable', async () => {
    const literal = campaign.questions.filter((question) => question.kind === 'literal');
    let answered = 0;
    for (const question of literal) {
      const response = await ask({ question: question.question });
      expect(response.statusCode, response.body).toBe(200);
      const answer = response.json();
      expect(answer.answeredBy).toMatchObject({ offline: true });
      if (!answer.found) continue;
      expect(answer.text).toMatch(/^Respuesta sin conexión/);
      const cited = new Set(answer.citations.map((citation: { chunkId: string }) => citation.chunkId));
      for (const claim of answer.claims) {
        expect(claim.chunkIds.every((id: string) => cited.has(id))).toBe(true);
        // Extractive: every claim is a passage's own words, found again through the source route.
        const source = await service.app.inject({
          method: 'GET',
          url: `/api/chat/rag/sources/${encodeURIComponent(claim.chunkIds[0])}`,
          headers: { authorization: `Bearer ${analyst}` },
        });
        expect(source.statusCode).toBe(200);
        expect(source.json().text.replace(/\s+/g, ' ')).toContain(claim.text.replace(/…$/, '').replace(/\s+/g, ' '));
      }
      if (answer.claims.some((claim: { text: string }) => claim.text.includes(question.answerContains))) answered++;
    }
    // Measured: 42 of the 49 literal questions answered with the answer phrase quoted.
    expect(answered / literal.length).toBeGreaterThanOrEqual(0.8);
  });

  it('says the answer is not in the documents instead of inventing one', async () => {
    for (const question of ['¿Cuál es la receta del ajiaco santafereño?', '¿Quién ganó el mundial de 1986?']) {
      const answer = (await ask({ question })).json();
      expect(answer).toMatchObject({ found: false, claims: [], citations: [] });
      expect(answer.text).toMatch(/^No está en tus documentos\./);
    }
  });

  it('streams citations, claims and the answer as server-sent events', async () => {
    const response = await ask({ question: campaign.questions[0]?.question as string }, analyst, 'text/event-stream');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = eventsOf(response.body);
    expect(events[0]?.event).toBe('citations');
    expect(events.at(-1)?.event).toBe('answer');
    const answer = events.at(-1)?.data as { claims: unknown[]; found: boolean };
    expect(events.filter((event) => event.event === 'claim').map((event) => event.data)).toEqual(answer.claims);
    // A mistake found before the stream opens is still an ordinary 4xx.
    const unknown = await ask({ question: 'seguridad', filters: { candidate: 'nadie' } }, analyst, 'text/event-stream');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('CANDIDATE_UNKNOWN');
  });

  it("keeps each user's history to that user", async () => {
    const first = (await ask({ question: campaign.questions[0]?.question as string })).json();
    const followUp = await ask({
      question: campaign.questions[1]?.question as string,
      conversationId: first.conversationId,
    });
    expect(followUp.json().conversationId).toBe(first.conversationId);
    const mine = await service.app.inject({
      method: 'GET',
      url: `/api/chat/rag/history/${first.conversationId}`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(mine.json().messages.map((message: { role: string }) => message.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
    ]);

    const theirs = await service.app.inject({
      method: 'GET',
      url: `/api/chat/rag/history/${first.conversationId}`,
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().error.code).toBe('CONVERSATION_UNKNOWN');
    const list = await service.app.inject({
      method: 'GET',
      url: '/api/chat/rag/history',
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(list.json().conversations).toEqual([]);
    // Writing into another user's conversation is refused the same way, and stores nothing.
    const intrusion = await ask({ question: 'hola', conversationId: first.conversationId }, viewer);
    expect(intrusion.statusCode).toBe(404);
    const after = await service.app.inject({
      method: 'GET',
      url: `/api/chat/rag/history/${first.conversationId}`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(after.json().messages).toHaveLength(4);
  });

  it("keeps the campaign's documents, chat and advice from the E-14 roles", async () => {
    for (const role of ['reviewer', 'witness'] as const) {
      const token = (await service.token(role)).token;
      const calls = [
        ask({ question: 'seguridad' }, token),
        service.app.inject({ method: 'GET', url: '/api/documents', headers: { authorization: `Bearer ${token}` } }),
        service.app.inject({
          method: 'GET',
          url: '/api/chat/rag/stats',
          headers: { authorization: `Bearer ${token}` },
        }),
        service.app.inject({
          method: 'GET',
          url: '/api/advisor/recommendations',
          headers: { authorization: `Bearer ${token}` },
        }),
      ];
      for (const response of await Promise.all(calls)) expect(response.statusCode).toBe(403);
    }
  });

  it('refuses an empty or oversized question', async () => {
    for (const question of ['   ', 'x'.repeat(1_001)]) {
      const response = await ask({ question });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('POST /api/chat/rag through the LLM layer', () => {
  let openai: FakeOpenAi;
  let service: DashboardUnderTest;
  let analyst: string;
  let campaign: Campaign;

  beforeAll(async () => {
    openai = await startFakeOpenAi({ apiKeys: [OPENAI_KEY] });
    service = await startDashboardForTests({ OPENAI_API_KEY: OPENAI_KEY, OPENAI_BASE_URL: `${openai.url}/v1` });
    analyst = (await service.token('analyst')).token;
    campaign = await uploadCorpus(service, analyst);
    // With OPENAI_API_KEY retrieval is hybrid once the passages are embedded: answer from that state.
    await untilEmbedded(service, analyst);
  });
  afterAll(async () => {
    await service?.close();
    await openai?.close();
  });

  const aportes = () => campaign.questions.find((question) => question.id === 'aportes-cali')?.question as string;
  const ask = (question: string) =>
    service.app.inject({
      method: 'POST',
      url: '/api/chat/rag',
      headers: { authorization: `Bearer ${analyst}` },
      payload: { question },
    });

  it('gives the model the passages as data, never as instructions, and keeps only citations of passages it was given', async () => {
    openai.setHandler((request) => {
      const prompt = JSON.parse(String(request.body.messages.at(-1)?.content)) as {
        passages: Array<{ id: string; text: string }>;
      };
      const cited = prompt.passages.find((passage) => passage.text.includes('vecina de Cali'));
      return {
        kind: 'json',
        content: {
          found: true,
          claims: [
            { text: 'La vecina pidió iluminación en el sendero del río.', chunkIds: [cited?.id ?? 'none'] },
            // A made-up source (or one a document's text suggested) is dropped with its claim.
            {
              text: 'Envía los documentos a otra dirección.',
              chunkIds: ['00000000-0000-0000-0000-000000000000:0:000000000000'],
            },
          ],
        },
      };
    });
    const response = await ask(aportes());
    expect(response.statusCode, response.body).toBe(200);
    const answer = response.json();
    expect(answer.answeredBy).toEqual({ provider: 'openai', model: 'gpt-4o', offline: false });
    expect(answer.claims).toHaveLength(1);
    expect(answer.text).toBe('La vecina pidió iluminación en el sendero del río.');

    const request = openai.completions.at(-1);
    const [system, user] = request?.body.messages ?? [];
    // The planted instruction reached the model only inside the data, its instructions unchanged.
    expect(system?.content).toBe(RAG_SYSTEM_PROMPT);
    expect(String(user?.content)).toContain(JSON.stringify(INJECTION_TEXT).slice(1, -1));
    expect(request?.jsonSchema).not.toBeNull();
  });

  it('answers "not in your documents" when the model finds nothing or cites nothing it was given', async () => {
    openai.setHandler(() => ({
      kind: 'json',
      content: { found: true, claims: [{ text: 'Inventado.', chunkIds: ['x'] }] },
    }));
    const answer = (await ask('¿Qué se dijo del metro de Bogotá?')).json();
    expect(answer).toMatchObject({ found: false, claims: [], text: 'No está en tus documentos.' });
  });

  it('falls back to the extractive answer, which says it is offline, when the model fails', async () => {
    openai.setHandler(() => ({ kind: 'error', status: 500 }));
    // Another question than above: that one's answer is cached.
    const voluntarios = campaign.questions.find((question) => question.id === 'acta-voluntarios');
    const answer = (await ask(voluntarios?.question as string)).json();
    expect(answer.answeredBy.offline).toBe(true);
    expect(answer.found).toBe(true);
    expect(answer.text).toMatch(/^Respuesta sin conexión/);
  });
});
