import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  ERROR_STATUS,
  ERROR_STATUS_GROUPS,
  errorCodeSchema,
  errorStatus,
  isErrorCode,
  SHARED_ERROR_STATUS,
} from '../src/index.js';

const groups = Object.entries(ERROR_STATUS_GROUPS) as Array<[string, Record<string, number>]>;
const declared = groups.flatMap(([group, codes]) => Object.keys(codes).map((code) => ({ group, code })));

describe('error registry', () => {
  it('declares every code in upper snake case, as the wire schema accepts it', () => {
    for (const { code } of declared) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(errorCodeSchema.safeParse(code).success).toBe(true);
    }
  });

  it('declares each code in one group only', () => {
    const owners = new Map<string, string[]>();
    for (const { group, code } of declared) owners.set(code, [...(owners.get(code) ?? []), group]);
    const duplicated = [...owners].filter(([, inGroups]) => inGroups.length > 1);
    expect(duplicated).toEqual([]);
    expect(Object.keys(ERROR_STATUS)).toHaveLength(declared.length);
  });

  it('gives every code a 4xx or 5xx status', () => {
    for (const [, codes] of groups) {
      for (const status of Object.values(codes)) {
        expect(Number.isInteger(status)).toBe(true);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(600);
      }
    }
  });

  it('answers the status of a registered code and nothing for an unknown one', () => {
    expect(errorStatus('VALIDATION_FAILED')).toBe(400);
    expect(errorStatus('UNSUPPORTED_MEDIA_TYPE')).toBe(415);
    expect(errorStatus('INVITATION_INVALID')).toBe(400);
    expect(errorStatus('ELECTION_UNKNOWN')).toBe(404);
    expect(errorStatus('MESA_UNKNOWN')).toBe(422);
    expect(errorStatus('CORPORATION_NOT_IN_ELECTION')).toBe(422);
    expect(errorStatus('NO_SUCH_CODE')).toBeUndefined();
    expect(errorStatus('toString')).toBeUndefined();
    expect(isErrorCode('REVIEW_TASK_NOT_FOUND')).toBe(true);
    expect(isErrorCode('NO_SUCH_CODE')).toBe(false);
  });

  it('keeps ERROR_CODES as the list of the shared codes', () => {
    expect([...ERROR_CODES]).toEqual(Object.keys(SHARED_ERROR_STATUS));
    expect(ERROR_CODES).toContain('VALIDATION_FAILED');
    expect(ERROR_CODES).toContain('INTERNAL_ERROR');
  });
});
