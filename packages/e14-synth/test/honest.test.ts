import { COPIES, divipolDocumentSchema, e14SubmissionSchema } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { generateElection, NO_FAULTS } from '../src/index.js';
import { copiesDiffer, officialDiffers, perMesaFailures } from './e14-rules.js';

describe('an honest election', () => {
  const election = generateElection({ seed: 11, scale: 'demo', faultRates: NO_FAULTS });

  it('has a valid divipol that matches its counts', () => {
    const divipol = divipolDocumentSchema.parse(election.divipol);
    const mesas = divipol.departamentos.flatMap((d) =>
      d.municipios.flatMap((m) => m.zonas.flatMap((z) => z.puestos.flatMap((p) => p.mesas))),
    );
    expect(mesas).toHaveLength(election.counts.mesas);
    expect(mesas.reduce((sum, mesa) => sum + mesa.habilitados, 0)).toBe(election.counts.habilitados);
    expect(divipol.candidates).toHaveLength(election.counts.candidates);
  });

  it('writes sheets that pass every per-mesa rule of docs/e14.md on every copy and agree with both feeds', () => {
    const problems: string[] = [];
    let sheets = 0;
    for (const sheet of election.sheets()) {
      sheets++;
      const where = `${sheet.mesaKey} ${sheet.corporation}`;
      if (sheet.fault || sheet.truth.fault) problems.push(`${where}: has a fault`);
      const copies = COPIES.map((copy) => sheet.submission(copy));
      // The copies of an honest sheet differ only in copy, barcode and sourceRef: validating one suffices.
      const parsed = e14SubmissionSchema.safeParse(copies[0]);
      if (!parsed.success) problems.push(`${where}: ${parsed.error.message}`);
      for (const submission of copies) {
        const failed = [...perMesaFailures(submission, sheet.habilitados)];
        if (failed.length > 0) problems.push(`${where} ${submission.copy}: fails ${failed.join(', ')}`);
      }
      if (copiesDiffer(copies)) problems.push(`${where}: copies differ`);
      if (officialDiffers(copies, sheet.officialRows('preconteo'), sheet.officialRows('escrutinio'))) {
        problems.push(`${where}: official feeds differ`);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(sheets).toBe(election.counts.sheets);
  });

  it('feeds carry exactly the truth', () => {
    const problems: string[] = [];
    for (const sheet of election.sheets()) {
      const { truth } = sheet;
      const expected = new Map<string, number>([
        ...Object.entries(truth.votes),
        ['BLANCO', truth.blancos],
        ['NULO', truth.nulos],
        ['NO_MARCADO', truth.noMarcados],
        ['SUFRAGANTES', truth.sufragantes],
      ]);
      const rows = sheet.officialRows('escrutinio');
      if (rows.length !== expected.size) problems.push(`${sheet.mesaKey}: ${rows.length} rows`);
      for (const row of rows) {
        if (expected.get(row.opcion) !== row.votos) problems.push(`${sheet.mesaKey} ${row.opcion}: ${row.votos}`);
      }
      if (truth.sufragantes > truth.habilitados) problems.push(`${sheet.mesaKey}: over capacity`);
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });
});
