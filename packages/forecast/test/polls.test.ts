import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Poll, parsePolls, weightedPollAverage } from '../src/index.js';

const colombia2014 = readFileSync(new URL('../data/colombia-2014-polls.tsv', import.meta.url), 'utf8');

function parsed(text: string): Poll[] {
  const result = parsePolls(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.polls;
}

describe('parsePolls', () => {
  it('reads the Colombia 2014 polls, dropping the options a poll did not report (−1)', () => {
    const result = parsePolls(colombia2014);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.polls).toHaveLength(12);
    expect(result.options).toEqual(['santos', 'zuluaga', 'ramirez', 'lopez', 'penalosa', 'blank', 'undecided']);
    const [first] = result.polls;
    expect(first).toMatchObject({
      pollster: 'infometrika',
      fieldStart: '2014-05-03',
      fieldEnd: '2014-05-06',
      sampleSize: 2673,
      line: 2,
    });
    expect(first?.shares.santos).toBe(31.3);
    expect(first?.source).toMatch(/^http:\/\/www\.infometrika\.com\//);
    const runoff = result.polls.find((poll) => poll.line === 8);
    expect(Object.keys(runoff?.shares ?? {})).toEqual(['santos', 'zuluaga', 'blank', 'undecided']);
  });

  it('reads comma-separated files with quoted fields', () => {
    const csv = 'pollster,since,up_to,sample_size,ana,"beto"\n"Firma, S.A.",2026-01-02,2026-01-04,1000,40.5,"35"\n';
    const [poll] = parsed(csv);
    expect(poll).toMatchObject({
      pollster: 'Firma, S.A.',
      sampleSize: 1000,
      shares: { ana: 40.5, beto: 35 },
      source: null,
    });
  });

  it('reports every bad row with its line number and returns no polls', () => {
    const text = [
      'pollster\tsince\tup_to\tsample_size\tana\tbeto',
      'good\t2026-01-02\t2026-01-04\t1000\t40\t35',
      '\t2026-01-02\t2026-01-04\t1000\t40\t35',
      'x\t2026-02-30\t2026-01-04\t-5\t140\tabc',
      'y\t2026-01-05\t2026-01-04\t800\t40\t35',
      'short\t2026-01-02',
    ].join('\n');
    const result = parsePolls(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.line)).toEqual([3, 4, 5, 6]);
    expect(result.errors[0]?.message).toMatch(/pollster/);
    expect(result.errors[1]?.message).toMatch(/since/);
    expect(result.errors[1]?.message).toMatch(/sample_size/);
    expect(result.errors[1]?.message).toMatch(/ana/);
    expect(result.errors[1]?.message).toMatch(/beto/);
    expect(result.errors[2]?.message).toMatch(/since is after up_to/);
    expect(result.errors[3]?.message).toMatch(/2 fields/);
  });

  it('says which header columns are missing', () => {
    expect(parsePolls('pollster,since,ana\n')).toEqual({
      ok: false,
      errors: [{ line: 1, message: 'missing columns: up_to, sample_size' }],
    });
  });
});

describe('weightedPollAverage', () => {
  const two = parsed(
    [
      'pollster,since,up_to,sample_size,ana,beto',
      'a,2026-03-01,2026-03-01,1000,40,30',
      'b,2026-03-15,2026-03-15,500,50,-1',
    ].join('\n'),
  );

  it('weights by sample size and halves the weight every half-life', () => {
    const [ana, beto] = weightedPollAverage(two, { asOf: '2026-03-15', halfLifeDays: 14 });
    // Poll a: 1000 · 2^(−14/14) = 500; poll b: 500 · 2^0 = 500 → equal weights.
    expect(ana?.option).toBe('ana');
    expect(ana?.average).toBeCloseTo(45, 12);
    expect(ana?.polls).toBe(2);
    expect(ana?.effectivePolls).toBeCloseTo(2, 12);
    const sampling = Math.sqrt(500 ** 2 * ((0.4 * 0.6) / 1000) + 500 ** 2 * ((0.5 * 0.5) / 500)) / 1000;
    expect(ana?.samplingError).toBeCloseTo(100 * sampling, 12);
    expect(ana?.spreadError).toBeCloseTo(Math.sqrt(((500 ** 2 * 25 * 2) / 1000 ** 2) * 2), 12);
    expect(ana?.standardError).toBe(Math.max(ana?.samplingError as number, ana?.spreadError as number));
    // beto was only asked in poll a.
    expect(beto).toMatchObject({ option: 'beto', average: 30, polls: 1, spreadError: 0 });
  });

  it('leaves out polls whose fieldwork ended after the day asked for', () => {
    const [ana] = weightedPollAverage(two, { asOf: '2026-03-10' });
    expect(ana?.average).toBe(40);
    expect(ana?.polls).toBe(1);
  });

  it('averages the 2014 first-round polls between their extremes', () => {
    const polls = parsed(colombia2014);
    const averages = weightedPollAverage(polls, { asOf: '2014-05-24', halfLifeDays: 7 });
    const santos = averages.find((a) => a.option === 'santos');
    expect(santos?.polls).toBe(6); // the runoff polls were fielded after the first round
    expect(santos?.average).toBeGreaterThan(22);
    expect(santos?.average).toBeLessThan(31.3);
    expect(santos?.standardError).toBeGreaterThan(0.5);
  });
});
