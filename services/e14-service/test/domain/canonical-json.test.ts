import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalJsonOfJson } from '../../src/domain/canonical-json.js';

describe('canonicalJson (RFC 8785)', () => {
  it('matches the canonicalize package on generated JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ noUnicodeString: false }), (value) => {
        expect(canonicalJson(value)).toBe(canonicalize(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('sorts keys by UTF-16 code units, drops undefined members, refuses NaN', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], '10': 2, '9': 3, é: 0, Z: undefined })).toBe(
      '{"10":2,"9":3,"a":[true,null,"x"],"b":1,"é":0}',
    );
    expect(() => canonicalJson({ value: Number.NaN })).toThrow(/NaN/);
  });

  it('canonicalJsonOfJson is canonicalize of what JSON.stringify makes of any value', () => {
    fc.assert(
      fc.property(fc.anything({ withDate: true, withNullPrototype: true, withSparseArray: true }), (value) => {
        const json = JSON.stringify(value);
        expect(canonicalJsonOfJson(value)).toBe(json === undefined ? 'null' : canonicalize(JSON.parse(json)));
      }),
      { numRuns: 2_000 },
    );
  });
});
