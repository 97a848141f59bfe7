import { type FakeAnthropic, grayscalePng } from '@castor/fake-apis';
import { createRedis, RedisStore } from '@castor/service-kit';
import { testRedis } from '@castor/test-support';
import {
  ANTHROPIC_PRICES,
  ClaudeE14Reader,
  type ClaudeE14ReaderOptions,
  type E14PageImage,
  type E14ToolInput,
  PricingTable,
  UsageLedger,
} from '../src/index.js';

export const TEST_API_KEY = 'sk-ant-castor-test-4f1c9a';
export const MODEL = 'claude-sonnet-5-5';

/** A distinct PNG per seed: stands in for a page image (the fake keys readings by SHA-256). */
export function pageImage(seed: number, page = 1): E14PageImage {
  return { bytes: grayscalePng(96, 288, (x, y) => (x * seed + y * 3 + seed) % 256), mediaType: 'image/png', page };
}

/**
 * What a model would send back for the Anza sheet of packages/test-support/fixtures/e14 (labels.json): 2026
 * Presidente, 01-034-00-00-001, delegados, E11 192, urna 191, candidates 34 and 154, blancos 2,
 * nulos empty, no marcados 1, suma total 191.
 */
export function anzaToolInput(): E14ToolInput {
  const row = (index: number) => ({ image: 1, x: 600, y: 900 + index * 60, width: 180, height: 48 });
  const read = (path: string, value: number, index: number, confidence = 0.97) => ({
    path,
    state: 'read' as const,
    value,
    confidence,
    overwritten: false,
    region: row(index),
  });
  return {
    header: {
      departamento: '01',
      municipio: '034',
      zona: '00',
      puesto: '00',
      mesa: '001',
      corporation: 'PRESIDENTE',
      copy: 'delegados',
      barcode: null,
      transmissionCode: 'X 2-39-88-14 X',
      page: 1,
      pageCount: 2,
    },
    fields: [
      read('nivelacion.sufragantes', 192, 0),
      read('nivelacion.urna', 191, 1),
      {
        path: 'nivelacion.incinerados',
        state: 'empty',
        value: null,
        confidence: 0.9,
        overwritten: false,
        region: row(2),
      },
      { ...read('votes.1', 34, 3, 0.81), overwritten: true },
      read('votes.2', 154, 4),
      read('blancos', 2, 5),
      { path: 'nulos', state: 'empty', value: null, confidence: 0.92, overwritten: false, region: row(6) },
      read('noMarcados', 1, 7),
      read('sumaTotal', 191, 8),
    ],
  };
}

/**
 * What a model would send back for the first-round consulate sheet of /work/shared/data/e14/real
 * (labels-first-round.json, Barcelona): CONSULADO 88 / PAÍS 355, the CÓNSUL/EMBAJADOR copy, pages 1
 * and 2 of 3 sent as images 1 and 2. Page 1 holds E-11, urna, incinerados (written "ØØØ") and
 * candidates 1–7; page 2 candidates 8–13, blanco, nulos, no marcados and the suma total.
 */
export function barcelonaToolInput(): E14ToolInput {
  const row = (image: number, index: number) => ({ image, x: 600, y: 700 + index * 60, width: 180, height: 48 });
  const read = (path: string, value: number, image: number, index: number) => ({
    path,
    state: 'read' as const,
    value,
    confidence: 0.95,
    overwritten: false,
    region: row(image, index),
  });
  const firstPage = [61, 0, 1, 60, 0, 0, 1].map((value, index) => read(`votes.${index + 1}`, value, 1, index + 3));
  const secondPage = [0, 0, 0, 7, 1, 0].map((value, index) => read(`votes.${index + 8}`, value, 2, index));
  return {
    header: {
      departamento: '88',
      municipio: '355',
      zona: '03',
      puesto: '02',
      mesa: '001',
      corporation: 'PRESIDENTE',
      copy: 'consul_embajador',
      barcode: null,
      transmissionCode: 'X 3-34-80-12 X',
      page: 1,
      pageCount: 3,
    },
    fields: [
      read('nivelacion.sufragantes', 134, 1, 0),
      read('nivelacion.urna', 134, 1, 1),
      {
        path: 'nivelacion.incinerados',
        state: 'empty',
        value: null,
        confidence: 0.9,
        overwritten: false,
        region: row(1, 2),
      },
      ...firstPage,
      ...secondPage,
      read('blancos', 2, 2, 6),
      read('nulos', 0, 2, 7),
      read('noMarcados', 1, 2, 8),
      read('sumaTotal', 134, 2, 9),
    ],
  };
}

export const fastResilience = {
  attemptTimeoutMs: 2_000,
  maxAttempts: 3,
  initialDelayMs: 20,
  maxDelayMs: 100,
  maxRetryAfterMs: 5_000,
  breakerThreshold: 3,
  halfOpenAfterMs: 400,
} satisfies ClaudeE14ReaderOptions['resilience'];

export function newReader(fake: FakeAnthropic, options: Partial<ClaudeE14ReaderOptions> = {}) {
  const ledger = options.ledger ?? new UsageLedger(new PricingTable(ANTHROPIC_PRICES));
  const reader = new ClaudeE14Reader({
    apiKey: TEST_API_KEY,
    baseURL: fake.url,
    model: MODEL,
    resilience: fastResilience,
    ...options,
    ledger,
  });
  return { reader, ledger };
}

/** A RedisStore on the test Redis under a key prefix of its own, ready to use. */
export async function redisStore() {
  const { url, keyPrefix } = testRedis();
  const redis = createRedis(url, keyPrefix);
  await new Promise<void>((resolve, reject) => {
    redis.once('ready', () => resolve());
    redis.once('error', reject);
  });
  return { store: new RedisStore(redis), redis };
}
