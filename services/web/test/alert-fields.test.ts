import type { Alert, ClaimsPacket } from '@castor/contracts';
import { describe, expect, it } from 'vitest';
import { alertFieldsIn } from '../src/features/alerts/alert-fields';

const alert = (fields: string[]) => ({ evidence: { fields, sources: [], crops: [] } }) as unknown as Alert;

/** The links e14-service gives a GOBERNADOR mesa: the urna, and candidates 6 and 7 on rows 3 and 4. */
const packet = {
  comparedFields: [
    { field: 'urna', path: 'nivelacion.urna', row: 'urna' },
    { field: 'candidate:6', path: 'votes.3', row: 'votes.3' },
    { field: 'candidate:7', path: 'votes.4', row: 'votes.4' },
    { field: 'candidate:9', path: null, row: 'candidate:9' },
  ],
} as unknown as ClaimsPacket;

describe('alertFieldsIn', () => {
  it('gives the cells and rows of the fields a copies_differ alert compares', () => {
    const { paths, rows } = alertFieldsIn(packet, alert(['candidate:6', 'urna']));
    expect([...paths].sort()).toEqual(['candidate:6', 'nivelacion.urna', 'urna', 'votes.3']);
    expect([...rows].sort()).toEqual(['urna', 'votes.3']);
  });

  it('keeps the sheet paths a sheet rule names, and links nothing it does not name', () => {
    const { paths, rows } = alertFieldsIn(packet, alert(['votes.4', 'nivelacion.sufragantes']));
    expect([...paths].sort()).toEqual(['nivelacion.sufragantes', 'votes.4']);
    expect(rows.size).toBe(0);
  });

  it('names no cell for a candidate the ballot no longer lists, only its row', () => {
    const { paths, rows } = alertFieldsIn(packet, alert(['candidate:9']));
    expect([...paths]).toEqual(['candidate:9']);
    expect([...rows]).toEqual(['candidate:9']);
  });
});
