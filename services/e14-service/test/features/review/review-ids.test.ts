import { describe, expect, it } from 'vitest';
import { get, post } from '../../support/fixtures.js';
import { withFixtureElection } from '../../support/records-fixtures.js';
import { type ReviewDesk, reviewDesk } from '../../support/review-fixtures.js';
import type { E14UnderTest } from '../../testing.js';

let e14: E14UnderTest;
let admin: string;
let storeOcrSheet: ReviewDesk['storeOcrSheet'];

withFixtureElection((started) => {
  ({ e14, admin } = started);
  ({ storeOcrSheet } = reviewDesk(e14, admin));
});

/** Spellings that a lenient number parser reads as `id`: none of them is a task id. */
const lenientSpellingsOf = (id: number) => [
  `0x${id.toString(16)}`,
  `%20${id}`,
  `${id}%20`,
  `${id}e0`,
  `+${id}`,
  `0${id}`,
  `${id}.0`,
];

describe('review task ids are strict decimal', () => {
  it('refuses every other spelling of a task id with 400, and never decides the task it resembles', async () => {
    const { votes1 } = await storeOcrSheet('01-031-99-01-003');
    for (const spelling of lenientSpellingsOf(votes1)) {
      const decided = await post(e14, `/api/review/tasks/${spelling}/decide`, admin, { value: 40 });
      expect(decided.statusCode, `${spelling}: ${decided.body}`).toBe(400);
      expect(decided.json().error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: { issues: [{ path: 'params.id' }] },
      });
      expect((await get(e14, `/api/review/tasks/${spelling}`, admin)).statusCode, spelling).toBe(400);
      expect((await get(e14, `/api/review/tasks/${spelling}/crop`, admin)).statusCode, spelling).toBe(400);
    }
    expect((await get(e14, `/api/review/tasks/${votes1}`, admin)).json().status).toBe('pending');
    const decided = await post(e14, `/api/review/tasks/${votes1}/decide`, admin, { value: 40 });
    expect(decided.statusCode, decided.body).toBe(200);
  });

  it.each(['0x10', '%201', '1%20', '1e1', '+1', '01', '0', '-1', '1.5', '99999999999999999999'])(
    'GET /api/review/tasks/%s is 400 VALIDATION_FAILED',
    async (spelling) => {
      const response = await get(e14, `/api/review/tasks/${spelling}`, admin);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    },
  );

  it('refuses lenient numbers in the paging of the task list and the training samples', async () => {
    for (const query of ['limit=0x10', 'limit=%201', 'limit=1e1', 'afterTaskId=+1', 'afterTaskId=01', 'limit=']) {
      for (const path of ['/api/review/tasks', '/api/review/training-samples']) {
        const response = await get(e14, `${path}?${query}`, admin);
        expect(response.statusCode, `${path}?${query}: ${response.body}`).toBe(400);
        expect(response.json().error.code).toBe('VALIDATION_FAILED');
      }
    }
    expect((await get(e14, '/api/review/tasks?limit=16&afterTaskId=0', admin)).statusCode).toBe(200);
    expect((await get(e14, '/api/review/training-samples?limit=16', admin)).statusCode).toBe(200);
  });
});
