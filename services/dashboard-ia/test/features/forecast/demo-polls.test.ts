import { readFileSync } from 'node:fs';
import { DEMO_CANDIDATES, DEMO_POLLS_CONTEST, loadDemoPolls } from '@castor/conversation-synth';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type DashboardUnderTest, startDashboardForTests } from '../../testing.js';

const POLLS_FILE = readFileSync(
  new URL('../../../../../packages/forecast/data/colombia-2014-polls.tsv', import.meta.url),
  'utf8',
);

let service: DashboardUnderTest;
let admin: string;
let baseUrl: string;

beforeAll(async () => {
  service = await startDashboardForTests();
  admin = (await service.token('admin')).token;
  for (const { mentions: _mentions, weight: _weight, tone: _tone, ...candidate } of DEMO_CANDIDATES) {
    const created = await service.app.inject({
      method: 'POST',
      url: '/api/campaign/candidates',
      headers: { authorization: `Bearer ${admin}` },
      payload: candidate,
    });
    expect(created.statusCode).toBe(201);
  }
  baseUrl = await service.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => service?.close());

it("imports the example file's first-round polls for the demo, mapped in order and labelled as an example, once", async () => {
  expect(await loadDemoPolls({ baseUrl, token: admin }, POLLS_FILE)).toEqual({ polls: 6 });
  expect(await loadDemoPolls({ baseUrl, token: admin }, POLLS_FILE)).toEqual({ polls: 6 });
  const { contests } = (
    await service.app.inject({
      method: 'GET',
      url: '/api/forecast/polls?asOf=2014-05-20',
      headers: { authorization: `Bearer ${admin}` },
    })
  ).json();
  expect(contests).toHaveLength(1);
  expect(contests[0].contest).toBe(DEMO_POLLS_CONTEST);
  expect(contests[0].contest).toMatch(/^EJEMPLO/);
  expect(contests[0].polls.every((poll: { fieldEnd: string }) => poll.fieldEnd <= '2014-05-15')).toBe(true);
  const matched = contests[0].average
    .flatMap((average: { candidate: string | null }) => (average.candidate === null ? [] : [average.candidate]))
    .sort();
  expect(matched).toEqual(DEMO_CANDIDATES.map((candidate) => candidate.slug).sort());
  // The first poll (Infometrika) gave Santos 31.3 %: the demo shows it under the first fictional candidate.
  expect(contests[0].polls[0].shares[DEMO_CANDIDATES[0]?.slug as string]).toBe(31.3);
});
