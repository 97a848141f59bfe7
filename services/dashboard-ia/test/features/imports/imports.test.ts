import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';

const HEADER = 'id,created_at,text,author_id,author_username,author_followers,likes,candidate';

describe('POST /api/media/import', () => {
  let service: DashboardUnderTest;
  let analyst: string;

  beforeAll(async () => {
    service = await startDashboardForTests();
    analyst = (await service.token('analyst')).token;
    const created = await service.app.inject({
      method: 'POST',
      url: '/api/campaign/candidates',
      headers: { authorization: `Bearer ${analyst}` },
      payload: {
        slug: 'cepeda',
        name: 'Iván Cepeda',
        own: true,
        queries: [
          { kind: 'term', value: 'Cepeda' },
          { kind: 'hashtag', value: '#CepedaPresidente' },
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    await service.app.inject({
      method: 'POST',
      url: '/api/campaign/candidates',
      headers: { authorization: `Bearer ${analyst}` },
      payload: {
        slug: 'abelardo',
        name: 'Abelardo de la Espriella',
        queries: [{ kind: 'account', value: '@ABDELAESPRIELLA' }],
      },
    });
  });
  afterAll(async () => service?.close());

  const send = (body: string, type = 'text/csv', token = analyst) =>
    service.app.inject({
      method: 'POST',
      url: '/api/media/import',
      headers: { authorization: `Bearer ${token}`, 'content-type': type },
      payload: body,
    });

  it('stores a CSV export, matches posts to candidates by term, hashtag and account, and scores them in the background', async () => {
    const csv = [
      HEADER,
      '1,2026-05-01T10:00:00Z,"Cépeda presentó su plan, no está mal",a1,maria,120,3,',
      '2,2026-05-01T11:00:00Z,Vamos con todo #CepedaPresidente 🇨🇴,a2,@juan_p,15,1,',
      '3,2026-05-01T12:00:00Z,"Hoy en Cali, gran evento",a3,ABDELAESPRIELLA,90000,40,',
      '4,2026-05-01T13:00:00Z,Nada que ver con nadie,a1,maria,121,0,',
      '5,2026-05-01T14:00:00Z,Un post que el exportador ya asignó,a2,juan_p,15,0,abelardo',
    ].join('\n');
    const response = await send(csv);
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toMatchObject({
      format: 'csv',
      replayed: false,
      posts: { received: 5, stored: 5, alreadyStored: 0 },
      authors: 3,
      byCandidate: { cepeda: 2, abelardo: 2 },
    });

    await service.scoring.idle();
    const { rows } = await service.app.pg.query<{
      id: string;
      sentiment_label: string | null;
      sentiment_model: string;
    }>('SELECT id, sentiment_label, sentiment_model FROM posts ORDER BY id');
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(['negative', 'neutral', 'positive']).toContain(row.sentiment_label);
      expect(row.sentiment_model).toMatch(/^castor-sentiment-es-offline@/);
    }
    const scores = await service.app.pg.query('SELECT count(*)::int AS n FROM sentiment_scores');
    expect(scores.rows[0].n).toBe(5);
    // Every author is scored by the bot model, its drivers kept; the posts carry the author's flag.
    const bots = await service.app.pg.query<{ n: number; model: string }>(
      'SELECT count(*)::int AS n, min(model) AS model FROM bot_scores',
    );
    expect(bots.rows[0]).toEqual({ n: 3, model: 'castor-bots' });
    const unscored = await service.app.pg.query('SELECT count(*)::int AS n FROM authors WHERE bot_likelihood IS NULL');
    expect(unscored.rows[0].n).toBe(0);
    // The candidates' links carry what the analyses count, kept in step with the post and its author.
    const links = await service.app.pg.query(
      `SELECT pc.post_id, pc.sentiment_label = p.sentiment_label AS same_label,
              pc.author_suspected_bot = p.author_suspected_bot AS same_flag,
              pc.engagement = p.likes + p.reposts + p.replies + p.quotes AS same_engagement, pc.hashtags
         FROM post_candidates pc JOIN posts p ON p.id = pc.post_id ORDER BY pc.post_id`,
    );
    expect(links.rows).toHaveLength(4);
    for (const link of links.rows)
      expect(link).toMatchObject({ same_label: true, same_flag: true, same_engagement: true });
    expect(links.rows.find((link) => link.post_id === '2')?.hashtags).toEqual(['cepedapresidente']);

    const again = await send(csv);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ replayed: true, importId: body.importId });
  });

  it('reads JSONL and counts posts it already has', async () => {
    const jsonl = [
      JSON.stringify({
        id: '4',
        created_at: '2026-05-01T13:00:00Z',
        text: 'Nada que ver con nadie',
        author_id: 'a1',
        author_username: 'maria',
        likes: 9,
      }),
      JSON.stringify({
        id: '6',
        created_at: '2026-05-02T09:00:00-05:00',
        text: 'cepeda otra vez',
        author_id: 'a4',
        author_username: 'pedro',
      }),
      '',
    ].join('\n');
    const response = await send(jsonl, 'application/x-ndjson');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      posts: { received: 2, stored: 1, alreadyStored: 1 },
      byCandidate: { cepeda: 1 },
    });
    const { rows } = await service.app.pg.query<{ likes: number }>("SELECT likes FROM posts WHERE id = '4'");
    expect(rows[0]?.likes).toBe(9);
    const link = await service.app.pg.query("SELECT engagement FROM post_candidates WHERE post_id = '1'");
    expect(link.rows[0]?.engagement).toBe(3);
  });

  it('refuses a bad line with its number and stores nothing of that file', async () => {
    const before = await service.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM posts');
    const csv = [HEADER, '10,2026-05-03T10:00:00Z,bien,a9,z,1,0,', '11,ayer,mal,a9,z,1,0,'].join('\n');
    const response = await send(csv);
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'IMPORT_LINE_INVALID',
      details: { line: 3, field: 'created_at' },
    });
    expect(response.json().error.message).toMatch(/^Line 3, field "created_at"/);

    const unknown = await send([HEADER, '12,2026-05-03T10:00:00Z,hola,a9,z,1,0,nadie'].join('\n'));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.details).toMatchObject({ line: 2, field: 'candidate' });

    const notJson = await send('{"id": "13"\n', 'application/x-ndjson');
    expect(notJson.json().error).toMatchObject({ code: 'IMPORT_LINE_INVALID', details: { line: 1 } });

    const after = await service.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM posts');
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('refuses a bad line after batches already written, and rolls all of them back', async () => {
    const before = await service.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM posts');
    // More posts than one batch (5,000), so the first batches are stored before the bad line is read.
    const good = Array.from(
      { length: 12_000 },
      (_, index) => `b${index},2026-05-04T10:00:00Z,Cepeda ${index},a9,z,1,0,`,
    );
    // An account's posts in the first and the last batch: both match the account, though its
    // profile is written once.
    good[0] = 'b0,2026-05-04T10:00:00Z,Cepeda y la seguridad,a10,ABDELAESPRIELLA,5,0,';
    good[11_999] = 'b11999,2026-05-04T10:00:00Z,Cepeda y la salud,a10,ABDELAESPRIELLA,5,0,';
    // Refused by the reading thread (a bad date) and by the service (an unknown candidate).
    for (const [last, field] of [
      ['b-last,ayer,hola,a9,z,1,0,', 'created_at'],
      ['b-last,2026-05-04T10:00:00Z,hola,a9,z,1,0,nadie', 'candidate'],
    ] as const) {
      const refused = await send([HEADER, ...good, last].join('\n'));
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatchObject({ code: 'IMPORT_LINE_INVALID', details: { line: 12_002, field } });
      const after = await service.app.pg.query<{ n: number }>('SELECT count(*)::int AS n FROM posts');
      expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
    }

    // The same posts without the bad line: every batch stored, counted once.
    const accepted = await send([HEADER, ...good].join('\n'));
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({
      posts: { received: 12_000, stored: 12_000 },
      authors: 2,
      byCandidate: { cepeda: 12_000, abelardo: 2 },
    });
  });

  it('documents the export as a binary body of either type in the OpenAPI document', async () => {
    const { paths } = (await service.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const content = paths['/api/media/import'].post.requestBody.content;
    expect(Object.keys(content)).toEqual(expect.arrayContaining(['text/csv', 'application/x-ndjson']));
    expect(content['text/csv'].schema).toMatchObject({ type: 'string', format: 'binary' });
  });

  it('refuses other formats, empty files and readers without the role', async () => {
    const json = await service.app.inject({
      method: 'POST',
      url: '/api/media/import',
      headers: { authorization: `Bearer ${analyst}` },
      payload: { id: 1 },
    });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('IMPORT_FORMAT_UNSUPPORTED');
    const empty = await send(`${HEADER}\n`);
    expect(empty.json().error).toMatchObject({ code: 'IMPORT_LINE_INVALID' });
    const viewer = (await service.token('viewer')).token;
    expect((await send(`${HEADER}\n`, 'text/csv', viewer)).statusCode).toBe(403);
  });
});
