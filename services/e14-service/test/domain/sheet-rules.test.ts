import type { E14SubmissionInput, RuleFinding } from '@castor/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELECTION, importFixture, post, workedExample } from '../support/fixtures.js';
import { type E14UnderTest, startE14ForTests } from '../testing.js';

let e14: E14UnderTest;
let admin: string;
let analyst: string;

beforeAll(async () => {
  e14 = await startE14ForTests();
  admin = (await e14.token('admin')).token;
  analyst = (await e14.token('analyst')).token;
  await importFixture(e14, admin);
});
afterAll(async () => e14?.close());

async function validate(sheet: E14SubmissionInput) {
  const response = await post(e14, '/api/e14/validate', analyst, sheet);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { validation: { ok: boolean; needsReview: boolean; findings: RuleFinding[] } };
}

const rulesOf = (findings: RuleFinding[]) => findings.map((finding) => finding.rule).sort();
const findingOf = (findings: RuleFinding[], rule: string) => {
  const found = findings.find((finding) => finding.rule === rule);
  if (!found) throw new Error(`no ${rule} finding in ${JSON.stringify(findings)}`);
  return found;
};
const worked = workedExample();
const votesWith = (index: number, value: number) =>
  (worked.votes ?? []).map((row, position) => (position === index ? { ...row, votes: value } : row));

describe('docs/e14.md worked real example (Gobernador 01-031-99-01-001)', () => {
  it('passes every rule as read by eye', async () => {
    const { validation } = await validate(worked);
    expect(validation).toEqual({ ok: true, needsReview: false, findings: [] });
  });

  it('the 2026 presidential sheets of data/e14/real/labels.json pass as well (values as labelled)', async () => {
    // labels.json: anza e11 192, urna 191, candidates 34 + 154, blanco 2, nulos empty, no marcados 1, suma 191.
    const { validation } = await validate(
      workedExample({
        nivelacion: { sufragantes: 192, urna: 191, incinerados: { state: 'empty' } },
        votes: [
          { ballotNumber: 1, votes: 34 },
          { ballotNumber: 2, votes: 154 },
        ],
        blancos: 2,
        nulos: { state: 'empty' },
        noMarcados: 1,
        sumaTotal: 191,
        confirmedAsPrinted: true,
        barcode: undefined,
        transmissionCode: undefined,
      }),
    );
    expect(rulesOf(validation.findings)).toEqual(['capacity']);
    expect(findingOf(validation.findings, 'capacity').numbers).toMatchObject({ habilitados: 120, sufragantes: 192 });
  });
});

describe('per-sheet rules: failing cases derived from the worked example', () => {
  it('nivelacion: urna above E-11 without incinerados, and the same levelled by incinerados', async () => {
    const failing = await validate(
      workedExample({ nivelacion: { sufragantes: 96, urna: 98, incinerados: { state: 'empty' } } }),
    );
    const finding = findingOf(failing.validation.findings, 'nivelacion');
    expect(finding).toMatchObject({
      severity: 'high',
      ruleVersion: 1,
      numbers: { sufragantes: 96, urna: 98, incinerados: 0, excess: 2 },
    });
    expect(failing.validation.ok).toBe(false);
    const levelled = await validate(workedExample({ nivelacion: { sufragantes: 96, urna: 98, incinerados: 2 } }));
    expect(rulesOf(levelled.validation.findings)).toEqual([]);
  });

  it('printed_sum and urn_sum: a candidate row off by 3 (48 → 51)', async () => {
    const { validation } = await validate(workedExample({ votes: votesWith(0, 51) }));
    expect(rulesOf(validation.findings)).toEqual(['printed_sum', 'urn_sum']);
    expect(findingOf(validation.findings, 'printed_sum').numbers).toMatchObject({
      computed: 99,
      sumaTotal: 96,
      difference: 3,
    });
    expect(findingOf(validation.findings, 'urn_sum').numbers).toMatchObject({
      computed: 99,
      urna: 96,
      incinerados: 0,
      difference: 3,
    });
  });

  it('printed_sum alone: the printed suma total miswritten', async () => {
    const { validation } = await validate(workedExample({ sumaTotal: 69 }));
    expect(rulesOf(validation.findings)).toEqual(['printed_sum']);
  });

  it('urn_sum honours incinerados: U − I is what the rows must add up to', async () => {
    const { validation } = await validate(workedExample({ nivelacion: { sufragantes: 96, urna: 97, incinerados: 1 } }));
    expect(rulesOf(validation.findings)).toEqual([]);
    const wrong = await validate(workedExample({ nivelacion: { sufragantes: 97, urna: 98, incinerados: 1 } }));
    expect(rulesOf(wrong.validation.findings)).toEqual(['urn_sum']);
  });

  it('bounds: a candidate with more votes than E-11 votantes', async () => {
    const { validation } = await validate(
      workedExample({
        nivelacion: { sufragantes: 40, urna: 40, incinerados: 0 },
        votes: votesWith(0, 48),
        sumaTotal: 96,
      }),
    );
    expect(findingOf(validation.findings, 'bounds').numbers).toEqual({ votes: 48, sufragantes: 40 });
  });

  it('capacity: E-11 over habilitados is refused unless confirmed as printed, then flagged critical', async () => {
    const sheet = workedExample({ nivelacion: { sufragantes: 130, urna: 96, incinerados: 0 } });
    const refused = await post(e14, '/api/e14/validate', analyst, sheet);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'SUM_OVER_HABILITADOS',
      details: { habilitados: 120, value: 130 },
    });
    const { validation } = await validate({ ...sheet, confirmedAsPrinted: true });
    expect(findingOf(validation.findings, 'capacity')).toMatchObject({
      severity: 'critical',
      numbers: { habilitados: 120, sufragantes: 130 },
    });
  });

  it('pages: barcode of another corporation, another copy, a wrong page count, a missing page', async () => {
    const { validation } = await validate(workedExample({ barcode: '720084901010103' }));
    const finding = findingOf(validation.findings, 'pages');
    expect(finding.numbers).toMatchObject({
      barcodeCorporationDigit: 2,
      expectedCorporationDigit: 1,
      barcodeCopyDigit: 1,
      barcodePageCount: 3,
    });
    const missing = await validate(workedExample({ pages: [{ page: 1, barcode: '710084902010102' }] }));
    expect(findingOf(missing.validation.findings, 'pages').numbers).toMatchObject({
      missingPages: 1,
      expectedPages: 2,
    });
    const complete = await validate(
      workedExample({
        pages: [
          { page: 1, barcode: '710084902010102' },
          { page: 2, barcode: '710084902010202' },
        ],
      }),
    );
    expect(rulesOf(complete.validation.findings)).toEqual([]);
  });

  it("header: a transmission code that is not the divipol's for the mesa", async () => {
    const { validation } = await validate(workedExample({ transmissionCode: 'X 2-39-88-14 X' }));
    expect(rulesOf(validation.findings)).toEqual(['header']);
  });

  it('recount: recuento SÍ without "solicitado por"', async () => {
    const failing = await validate(workedExample({ recuento: { hubo: true, solicitadoPorFilled: false } }));
    expect(rulesOf(failing.validation.findings)).toEqual(['recount']);
    const passing = await validate(workedExample({ recuento: { hubo: true, solicitadoPorFilled: true } }));
    expect(passing.validation.findings).toEqual([]);
  });

  it('signatures: few signed JURADO boxes warn, none is high', async () => {
    const few = await validate(workedExample({ juradosSigned: 2 }));
    expect(findingOf(few.validation.findings, 'signatures').severity).toBe('warning');
    expect(few.validation.ok).toBe(true);
    const none = await validate(workedExample({ juradosSigned: 0 }));
    expect(findingOf(none.validation.findings, 'signatures').severity).toBe('high');
    expect(none.validation.ok).toBe(false);
  });

  it('corrections: an over-written cell goes to review', async () => {
    const { validation } = await validate(
      workedExample({
        votes: (worked.votes ?? []).map((row, index) =>
          index === 0 ? { ...row, votes: { value: 48, overwritten: true } } : row,
        ),
      }),
    );
    expect(rulesOf(validation.findings)).toEqual(['corrections']);
    expect(validation.needsReview).toBe(true);
    expect(validation.ok).toBe(true);
  });

  it('confidence: below 0.70 or illegible goes to review; an empty row is 0, not unread', async () => {
    const low = await validate(
      workedExample({
        votes: (worked.votes ?? []).map((row, index) =>
          index === 0 ? { ...row, votes: { value: 48, confidence: 0.69 } } : row,
        ),
      }),
    );
    expect(findingOf(low.validation.findings, 'confidence').numbers).toMatchObject({
      cells: 1,
      lowestConfidence: 0.69,
      threshold: 0.7,
    });
    const atThreshold = await validate(
      workedExample({
        votes: (worked.votes ?? []).map((row, index) =>
          index === 0 ? { ...row, votes: { value: 48, confidence: 0.7 } } : row,
        ),
      }),
    );
    expect(atThreshold.validation.findings).toEqual([]);
    const illegible = await validate(
      workedExample({
        votes: (worked.votes ?? []).map((row, index) =>
          index === 0 ? { ...row, votes: { state: 'illegible' } } : row,
        ),
      }),
    );
    // An unread value is unknown: no arithmetic rule can fail on it, the sheet goes to review.
    expect(rulesOf(illegible.validation.findings)).toEqual(['confidence']);
    expect(illegible.validation.needsReview).toBe(true);
    // An empty row the reader doubts may hold a vote: it goes to review like a doubtful number.
    const doubtfulEmpty = await validate(
      workedExample({ nivelacion: { sufragantes: 96, urna: 96, incinerados: { state: 'empty', confidence: 0.4 } } }),
    );
    expect(findingOf(doubtfulEmpty.validation.findings, 'confidence').fields).toEqual(['nivelacion.incinerados']);
    expect(doubtfulEmpty.validation.needsReview).toBe(true);
  });

  it('list_total: con preferente T = agrupación + candidatos; sin preferente T = agrupación', async () => {
    const asamblea = (total1: number, total2: number) =>
      workedExample({
        corporation: 'ASAMBLEA',
        barcode: '720084902010102',
        votes: [
          { ballotNumber: 1, candidateNumber: 0, votes: 20 },
          { ballotNumber: 1, candidateNumber: 101, votes: 30 },
          { ballotNumber: 1, candidateNumber: 102, votes: 10 },
          { ballotNumber: 2, votes: 23 },
        ],
        listTotals: [
          { ballotNumber: 1, total: total1 },
          { ballotNumber: 2, total: total2 },
        ],
      });
    const passing = await validate(asamblea(60, 23));
    expect(passing.validation.findings).toEqual([]);
    const failing = await validate(asamblea(66, 32));
    const findings = failing.validation.findings.filter((finding) => finding.rule === 'list_total');
    expect(findings.map((finding) => finding.numbers)).toEqual([
      { ballotNumber: 1, printedTotal: 66, computed: 60, difference: 6 },
      { ballotNumber: 2, printedTotal: 32, computed: 23, difference: 9 },
    ]);
  });

  it('rules are configurable per election and corporation: disable, change severity, change threshold', async () => {
    const configure = (body: unknown) =>
      e14.app.inject({
        method: 'PUT',
        url: `/api/elections/${ELECTION}/rules`,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    expect(
      (
        await configure({
          corporation: 'GOBERNADOR',
          config: {
            rules: { recount: { enabled: false }, signatures: { severity: 'critical' } },
            params: { confidenceThreshold: 0.9 },
          },
        })
      ).statusCode,
    ).toBe(200);
    const recount = await validate(
      workedExample({ recuento: { hubo: true, solicitadoPorFilled: false }, juradosSigned: 1 }),
    );
    expect(rulesOf(recount.validation.findings)).toEqual(['signatures']);
    expect(findingOf(recount.validation.findings, 'signatures').severity).toBe('critical');
    const confidence = await validate(
      workedExample({
        votes: (worked.votes ?? []).map((row, index) =>
          index === 0 ? { ...row, votes: { value: 48, confidence: 0.8 } } : row,
        ),
      }),
    );
    expect(rulesOf(confidence.validation.findings)).toEqual(['confidence']);
    const described = await e14.app.inject({
      method: 'GET',
      url: `/api/elections/${ELECTION}/rules`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    expect(described.json().effectiveParams.GOBERNADOR.confidenceThreshold).toBe(0.9);
    expect(described.json().effectiveParams.ASAMBLEA.confidenceThreshold).toBe(0.7);
    expect((await configure({ corporation: 'GOBERNADOR', config: {} })).statusCode).toBe(200);
    expect(
      (await validate(workedExample({ recuento: { hubo: true, solicitadoPorFilled: false } }))).validation.findings.map(
        (f) => f.rule,
      ),
    ).toEqual(['recount']);
  });
});
