import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type GenerateElectionOptions, generateElection, officialCsvLines } from '../src/index.js';

const SMALL = { departamentos: 3, mesas: 800 };

/** SHA-256 over everything an election produces, in iteration order. */
function digest(options: GenerateElectionOptions): string {
  const election = generateElection(options);
  const hash = createHash('sha256');
  hash.update(JSON.stringify(election.divipol));
  for (const submission of election.submissions()) hash.update(JSON.stringify(submission));
  for (const truth of election.truth()) hash.update(JSON.stringify(truth));
  for (const fault of election.faults()) hash.update(JSON.stringify(fault));
  for (const line of officialCsvLines(election.officialRows('preconteo'))) hash.update(line);
  for (const line of officialCsvLines(election.officialRows('escrutinio'))) hash.update(line);
  return hash.digest('hex');
}

describe('determinism', () => {
  it('the same options give the same election, byte for byte', () => {
    expect(digest({ seed: 7, scale: SMALL })).toBe(digest({ seed: 7, scale: SMALL }));
  });

  it('another seed gives another election', () => {
    expect(digest({ seed: 8, scale: SMALL })).not.toBe(digest({ seed: 7, scale: SMALL }));
  });

  it('a sheet is the same whether iterated or fetched alone, in any order, any number of times', () => {
    const election = generateElection({ seed: 3, scale: SMALL });
    const sheets = [...election.sheets()];
    const picks = [sheets.length - 1, 0, Math.floor(sheets.length / 2), 17];
    for (const index of picks) {
      const iterated = sheets[index];
      if (!iterated) throw new Error(`no sheet ${index}`);
      const fetched = election.sheet(iterated.mesaKey, iterated.corporation);
      expect(fetched.truth).toEqual(iterated.truth);
      expect(fetched.fault).toEqual(iterated.fault);
      expect(fetched.submission('transmision')).toEqual(iterated.submission('transmision'));
      expect(fetched.officialRows('escrutinio')).toEqual(iterated.officialRows('escrutinio'));
    }
    expect([...election.truth()]).toEqual(sheets.map((sheet) => sheet.truth));
  });

  it('fault rates change the faults, never the territory or the honest counts', () => {
    const few = generateElection({ seed: 5, scale: SMALL, faultRates: { arithmetic_slip: 0.001 } });
    const many = generateElection({ seed: 5, scale: SMALL, faultRates: { arithmetic_slip: 0.2 } });
    expect(many.divipol).toEqual(few.divipol);
    const truths = (election: typeof few) => [...election.truth()].map(({ fault: _fault, ...truth }) => truth);
    expect(truths(many)).toEqual(truths(few));
    expect([...many.faults()].length).toBeGreaterThan([...few.faults()].length);
  });
});
