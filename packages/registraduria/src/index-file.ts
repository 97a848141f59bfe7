import { type MesaKey, type MesaRef, mesaKey } from '@castor/contracts';
import { z } from 'zod';
import { parsePublishedPath } from './layout.js';

/**
 * The index of published mesas, modelled on the site's `allTransmissionCodes.json` (~35 MB, one
 * node per mesa). ASSUMED SHAPE — the project has not seen the real file; this parser and the fake
 * in @castor/fake-apis are the two places to change when it is:
 *
 *   { "X 2-39-88-14 X": { "departamento": "01", "municipio": "034", "zona": "000",
 *                          "puesto": "00", "mesa": "001", "pdf": "/assets/temis/pdf/.../<64 hex>.pdf" } }
 *
 * Every node is checked on its own: its codes must agree with its file path (the header rule of
 * docs/e14.md). A bad node is reported in `rejected` and does not sink the rest of the index.
 */
const indexNodeSchema = z.object({
  departamento: z.string().regex(/^\d{2}$/),
  municipio: z.string().regex(/^\d{3}$/),
  zona: z.string().regex(/^\d{2,3}$/),
  puesto: z.string().regex(/^\d{2}$/),
  mesa: z.string().regex(/^\d{3}$/),
  pdf: z.string().startsWith('/'),
});

export interface IndexEntry {
  transmissionCode: string;
  mesa: MesaRef;
  /** Path of the file on the site. */
  path: string;
  election: string;
}

export interface MesaIndex {
  entries: IndexEntry[];
  rejected: Array<{ transmissionCode: string; reason: string }>;
  byMesa(ref: MesaRef): IndexEntry | undefined;
  byTransmissionCode(code: string): IndexEntry | undefined;
}

export function parseMesaIndex(json: unknown): MesaIndex {
  const top = z.record(z.string(), z.unknown()).safeParse(json);
  if (!top.success) throw new Error('the index is not an object keyed by transmission code');
  const entries: IndexEntry[] = [];
  const rejected: MesaIndex['rejected'] = [];
  for (const [transmissionCode, raw] of Object.entries(top.data)) {
    const node = indexNodeSchema.safeParse(raw);
    if (!node.success) {
      rejected.push({
        transmissionCode,
        reason: node.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
      });
      continue;
    }
    const file = parsePublishedPath(node.data.pdf);
    if (!file) {
      rejected.push({ transmissionCode, reason: `file path is not on the 2026 layout: ${node.data.pdf}` });
      continue;
    }
    const zona = node.data.zona.length === 3 ? node.data.zona.slice(1) : node.data.zona;
    const codes: MesaRef = { ...node.data, zona };
    if (mesaKey(codes) !== mesaKey(file.mesa)) {
      rejected.push({
        transmissionCode,
        reason: `codes ${mesaKey(codes)} disagree with the file path ${mesaKey(file.mesa)}`,
      });
      continue;
    }
    entries.push({ transmissionCode, mesa: file.mesa, path: node.data.pdf, election: file.election });
  }
  const byMesa = new Map<MesaKey, IndexEntry>(entries.map((entry) => [mesaKey(entry.mesa), entry]));
  const byCode = new Map(entries.map((entry) => [entry.transmissionCode, entry]));
  return {
    entries,
    rejected,
    byMesa: (ref) => byMesa.get(mesaKey(ref)),
    byTransmissionCode: (code) => byCode.get(code),
  };
}
