import { withTransaction } from '@castor/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingAuthor, IncomingPost } from '../../../src/shared/post-store.js';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';

/**
 * `GET /api/campaign/trending` on 100,000 stored posts over 30 days (5,000 authors, two candidates):
 * p95 per window, overall and per candidate. Run with DASHBOARD_TRENDS_BENCH=1 (about a minute).
 */
const POSTS = 100_000;
const DAYS = 30;
const WORDS = `salud seguridad empleo reforma pensional educacion paz total campo tierra impuestos petroleo
  corrupcion transporte vivienda agua energia mineria jovenes mujeres victimas acuerdo debate propuesta
  alcaldia congreso senado justicia economia inflacion dolar gasolina metro hospital colegio universidad`.split(/\s+/);

describe.runIf(process.env.DASHBOARD_TRENDS_BENCH === '1')('trending on 100,000 posts', () => {
  let service: DashboardUnderTest;
  let analyst: string;

  beforeAll(async () => {
    service = await startDashboardForTests();
    analyst = (await service.token('analyst')).token;
    for (const slug of ['cepeda', 'abelardo']) {
      await service.app.inject({
        method: 'POST',
        url: '/api/campaign/candidates',
        headers: { authorization: `Bearer ${analyst}` },
        payload: { slug, name: slug, queries: [{ kind: 'term', value: slug }] },
      });
    }
    const now = Date.now();
    const authors: IncomingAuthor[] = Array.from({ length: 5_000 }, (_, index) => ({
      id: `a${index}`,
      username: `a${index}`,
      name: null,
      accountCreatedAt: null,
      description: null,
      location: null,
      url: null,
      profileImageUrl: null,
      protected: null,
      verified: null,
      verifiedType: null,
      followers: index,
      following: 10,
      tweets: 10,
      listed: 0,
    }));
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const pick = () => WORDS[Math.floor(random() * WORDS.length)] as string;
    for (let start = 0; start < POSTS; start += 20_000) {
      const posts: IncomingPost[] = Array.from({ length: 20_000 }, (_, offset) => {
        const index = start + offset;
        const who = index % 3 === 0 ? 'cepeda' : index % 3 === 1 ? 'abelardo' : 'nadie';
        return {
          id: `p${index}`,
          authorId: `a${Math.floor(random() * 5_000)}`,
          text: `${who} habló de ${pick()} y ${pick()} en la ${pick()} #${pick()} ${index}`,
          postedAt: new Date(now - random() * DAYS * 86_400_000),
          lang: 'es',
          likes: Math.floor(random() * 50),
          reposts: 0,
          replies: 0,
          quotes: 0,
          source: 'import',
          candidateIds: [],
        };
      });
      await withTransaction(service.app.pg, (client) => service.posts.save(client, start === 0 ? authors : [], posts));
    }
    await service.app.pg.query('ANALYZE');
  }, 600_000);
  afterAll(async () => service?.close());

  it('answers within 300 ms at p95 once the posts’ terms are cached', async () => {
    const time = async (url: string) => {
      const started = performance.now();
      const response = await service.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${analyst}` },
      });
      expect(response.statusCode).toBe(200);
      return performance.now() - started;
    };
    const cold = await time('/api/campaign/trending?window=7d');
    const report: Record<string, number> = { 'cold 7d (terms of every post extracted)': Math.round(cold) };
    for (const window of ['1h', '6h', '24h', '7d']) {
      for (const scope of ['', '&candidate=cepeda']) {
        const times: number[] = [];
        for (let run = 0; run < 20; run++) times.push(await time(`/api/campaign/trending?window=${window}${scope}`));
        times.sort((a, b) => a - b);
        report[`${window}${scope ? ' cepeda' : ' overall'} p95`] = Math.round(times[18] as number);
      }
    }
    console.log(report);
    for (const [name, ms] of Object.entries(report)) if (name.endsWith('p95')) expect(ms, name).toBeLessThan(300);
  }, 600_000);
});
