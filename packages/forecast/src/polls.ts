import { z } from 'zod';

/** One published poll. Shares are in percent (0..100), as pollsters publish them. */
export interface Poll {
  pollster: string;
  /** First and last day of fieldwork, ISO dates (YYYY-MM-DD). */
  fieldStart: string;
  fieldEnd: string;
  sampleSize: number;
  /** Percent per option (candidate, blank, undecided); an option the poll did not ask about is absent. */
  shares: Record<string, number>;
  source: string | null;
  /** Line of the file the poll came from (1-based), for error messages and provenance. */
  line: number;
}

export interface PollParseError {
  line: number;
  message: string;
}

export type PollParseResult = { ok: true; polls: Poll[]; options: string[] } | { ok: false; errors: PollParseError[] };

/** Columns every polls file has; every other column is an option whose share the poll reports. */
const FIXED_COLUMNS = ['pollster', 'since', 'up_to', 'sample_size'] as const;
const OPTIONAL_COLUMNS = ['source'] as const;
/** The data set writes −1 for an option a poll did not report (runoff polls list two candidates). */
const NOT_REPORTED = -1;

const isoDate = z.iso.date();
const share = z.coerce
  .number()
  .refine(
    (value) => value === NOT_REPORTED || (value >= 0 && value <= 100),
    'a percentage in [0, 100], or -1 for not reported',
  );
const pollRowSchema = z
  .object({
    pollster: z.string().trim().min(1, 'pollster is empty'),
    since: isoDate,
    up_to: isoDate,
    sample_size: z.coerce.number().int('sample_size is not a whole number').positive('sample_size must be positive'),
    source: z.string().trim().optional(),
  })
  .refine((row) => row.since <= row.up_to, { message: 'since is after up_to', path: ['since'] });

/** Splits one line of a delimited file; double quotes enclose a field, "" inside them is a quote. */
function splitLine(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === delimiter) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/**
 * Parses a polls file, tab- or comma-separated (the header's delimiter decides), with the columns of
 * the Colombia 2014 data set: pollster, since, up_to (fieldwork dates), sample_size, one column per
 * option in percent (−1 = not reported), and an optional source. Every row is validated (zod); all
 * problems are returned with their line numbers, and no poll is returned if any row is wrong.
 * Quoted fields may not span lines.
 */
export function parsePolls(text: string): PollParseResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerLine = lines[0] ?? '';
  const delimiter = headerLine.includes('\t') ? '\t' : ',';
  const header = splitLine(headerLine, delimiter).map((name) => name.trim().toLowerCase());
  const missing = FIXED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0)
    return { ok: false, errors: [{ line: 1, message: `missing columns: ${missing.join(', ')}` }] };
  const known = new Set<string>([...FIXED_COLUMNS, ...OPTIONAL_COLUMNS]);
  const options = header.filter((name) => !known.has(name));
  if (options.length === 0) return { ok: false, errors: [{ line: 1, message: 'no option (candidate) columns' }] };

  const polls: Poll[] = [];
  const errors: PollParseError[] = [];
  lines.forEach((text, index) => {
    const line = index + 1;
    if (index === 0 || text.trim() === '') return;
    const fields = splitLine(text, delimiter);
    if (fields.length !== header.length) {
      errors.push({ line, message: `${fields.length} fields, the header has ${header.length}` });
      return;
    }
    const record = Object.fromEntries(header.map((name, i) => [name, fields[i]]));
    const row = pollRowSchema.safeParse(record);
    const rowErrors = row.success ? [] : row.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    const shares: Record<string, number> = {};
    for (const option of options) {
      const raw = record[option]?.trim() ?? '';
      const value = share.safeParse(raw === '' ? Number.NaN : raw);
      if (!value.success) rowErrors.push(`${option}: ${value.error.issues[0]?.message ?? 'invalid'} (got "${raw}")`);
      else if (value.data !== NOT_REPORTED) shares[option] = value.data;
    }
    if (rowErrors.length > 0 || !row.success) {
      errors.push({ line, message: rowErrors.join('; ') });
      return;
    }
    polls.push({
      pollster: row.data.pollster,
      fieldStart: row.data.since,
      fieldEnd: row.data.up_to,
      sampleSize: row.data.sample_size,
      shares,
      source: row.data.source ? row.data.source : null,
      line,
    });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, polls, options };
}

export interface PollAverageOptions {
  /** The day the average is for (ISO date); polls whose fieldwork ended after it are left out. */
  asOf: string;
  /** Days after which a poll's recency weight halves. Default 14. */
  halfLifeDays?: number;
}

export interface OptionAverage {
  option: string;
  /** Weighted mean share, in percent. */
  average: number;
  /** max(sampling, spread) standard error, in percentage points (see weightedPollAverage). */
  standardError: number;
  /** Sampling-only standard error, as if each poll were a simple random sample. */
  samplingError: number;
  /** Standard error from the polls' scatter around the average (0 with one poll). */
  spreadError: number;
  /** Polls that reported the option and entered the average. */
  polls: number;
  /** Effective number of polls, (Σw)²/Σw². */
  effectivePolls: number;
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;

/**
 * Poll average per option, each poll weighted by its sample size and its age:
 * w = n · 2^(−age / halfLife), age = days from the middle of fieldwork to `asOf`. An option's average is
 * Σw·p / Σw over the polls that reported it.
 *
 * Standard error: the sampling part treats each poll as a simple random sample,
 * Var = Σw²·p(1 − p)/n / (Σw)²; the spread part is the weighted scatter of the polls around the
 * average, Σw²(p − p̄)²/(Σw)² · k/(k − 1), which also catches house effects and real movement the
 * sampling part ignores. The reported standard error is the larger of the two. Neither covers
 * systematic error shared by all pollsters (the whole industry missing the same voters).
 *
 * Polls of different contests (a first round and a runoff) must not be averaged together: filter first.
 */
export function weightedPollAverage(polls: readonly Poll[], options: PollAverageOptions): OptionAverage[] {
  const { asOf, halfLifeDays = 14 } = options;
  if (!isoDate.safeParse(asOf).success) throw new RangeError(`asOf must be an ISO date, got ${asOf}`);
  if (!(halfLifeDays > 0)) throw new RangeError(`halfLifeDays must be positive, got ${halfLifeDays}`);
  const today = dayNumber(asOf);
  const weighted = polls
    .filter((poll) => dayNumber(poll.fieldEnd) <= today)
    .map((poll) => {
      const age = today - (dayNumber(poll.fieldStart) + dayNumber(poll.fieldEnd)) / 2;
      return { poll, weight: poll.sampleSize * 2 ** (-age / halfLifeDays) };
    });
  const optionNames = [...new Set(weighted.flatMap(({ poll }) => Object.keys(poll.shares)))];
  return optionNames.map((option) => {
    const reporting = weighted.filter(({ poll }) => poll.shares[option] !== undefined);
    let sumW = 0;
    let sumW2 = 0;
    let sumWP = 0;
    for (const { poll, weight } of reporting) {
      sumW += weight;
      sumW2 += weight * weight;
      sumWP += weight * (poll.shares[option] as number);
    }
    const average = sumWP / sumW;
    let sampling = 0;
    let spread = 0;
    for (const { poll, weight } of reporting) {
      const p = (poll.shares[option] as number) / 100;
      sampling += weight * weight * ((p * (1 - p)) / poll.sampleSize);
      spread += weight * weight * ((poll.shares[option] as number) - average) ** 2;
    }
    const k = reporting.length;
    const samplingError = (100 * Math.sqrt(sampling)) / sumW;
    const spreadError = k > 1 ? Math.sqrt((spread / (sumW * sumW)) * (k / (k - 1))) : 0;
    return {
      option,
      average,
      standardError: Math.max(samplingError, spreadError),
      samplingError,
      spreadError,
      polls: k,
      effectivePolls: (sumW * sumW) / sumW2,
    };
  });
}
