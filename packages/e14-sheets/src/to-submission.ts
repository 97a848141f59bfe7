import {
  type Copy,
  type Corporation,
  type E14Submission,
  type E14SubmissionInput,
  e14SubmissionSchema,
  type MesaRef,
} from '@castor/contracts';
import { SheetError } from './errors.js';
import { type CellReading, mesaFromHeader, type ReadField, type SheetReading } from './read-sheet.js';
import {
  type DecodedField,
  DOUBTFUL_READING,
  decodeSheetArithmetic,
  type SheetCells,
} from './reading/arithmetic-decoding.js';
import { adaptToWriter } from './reading/writer-adaptation.js';

/** Provider name recorded in `readBy` for values read by this package's local pipeline. */
export const LOCAL_READER = 'castor-local';

export interface SubmissionContext {
  electionCode: string;
  /** Overrides the mesa read from the header (e.g. the mesa the file was downloaded for). */
  mesa?: MesaRef;
  /** Overrides the copy read from the barcode. */
  copy?: Copy;
  corporation?: Corporation;
  sourceRef?: string;
  /** 'ocr' for published scans (default), 'witness' for a testigo's photo of their copy. */
  source?: 'ocr' | 'witness';
  /**
   * Weigh each cell's reading against the sheet's arithmetic (default true): see
   * reading/arithmetic-decoding.ts. False keeps every cell's reading on its own.
   */
  arithmetic?: boolean;
  /**
   * Read the cells no check confirmed again with the writer's own confirmed glyphs, and let the
   * arithmetic decide (default true; needs `arithmetic`): see reading/writer-adaptation.ts.
   */
  writerAdaptation?: boolean;
}

/**
 * The sheet read as a whole: each cell's value given the others and the sums, and with writer
 * adaptation a second pass where the doubtful cells bring their readings through the writer's eyes.
 * A cell keeps the first pass unless only the second confirms it.
 */
function decodeSheet(cells: SheetCells, context: SubmissionContext): ReadonlyMap<string, DecodedField> {
  if (context.arithmetic === false) return new Map();
  const decoded = decodeSheetArithmetic(cells);
  if (context.writerAdaptation === false) return decoded;
  return decodeWithRereads(cells, decoded, adaptToWriter(cells, decoded));
}

/**
 * The second pass of writer adaptation: the sheet decoded again with the cells `rereads` holds read
 * again, each doubtful as the rules below say; a cell takes the second pass only when only it
 * confirms the cell.
 */
export function decodeWithRereads(
  cells: SheetCells,
  decoded: ReadonlyMap<string, DecodedField>,
  rereads: ReadonlyMap<string, CellReading>,
): ReadonlyMap<string, DecodedField> {
  if (rereads.size === 0) return decoded;
  const again = decodeSheetArithmetic(
    new Map([...cells].map(([path, cell]) => [path, doubtfulIfChanged(cell, rereads.get(path))])),
  );
  return new Map(
    [...decoded].map(([path, first]) => {
      const second = again.get(path);
      return [path, !first.verified && second?.verified ? second : first];
    }),
  );
}

/**
 * A re-read stays doubtful when the cell was, or when it changes what the recognizer read, however
 * confident the writer's examples make it: a check vouches for one doubtful cell at most, so two
 * re-reads that trade errors and keep a sum (a 139 read 133 beside a 1 read 7, each at 0.99 once
 * re-read, on a synthetic sheet) never confirm each other.
 */
function doubtfulIfChanged(cell: CellReading | null, reread: CellReading | undefined): CellReading | null {
  if (!reread) return cell;
  const unchanged = cell && reread.state === cell.state && reread.value === cell.value;
  if (unchanged && cell.confidence >= DOUBTFUL_READING) return reread;
  return { ...reread, confidence: Math.min(reread.confidence, DOUBTFUL_READING / 2) };
}

function toFieldInput(field: ReadField | undefined, decoded: ReadonlyMap<string, DecodedField>) {
  if (!field?.reading)
    return {
      state: 'illegible' as const,
      value: null,
      confidence: 0,
      overwritten: false,
      ...(field ? { crop: field.crop } : {}),
    };
  const { state, value, confidence, overwritten } = field.reading;
  const joint = decoded.get(field.field);
  // An illegible cell takes the sheet's reading only when a check confirms its best guess.
  if (joint && (state !== 'illegible' || joint.verified)) {
    return {
      state: joint.value === 'empty' ? ('empty' as const) : ('read' as const),
      value: joint.value === 'empty' ? 0 : joint.value,
      confidence: joint.confidence,
      overwritten,
      readBy: LOCAL_READER,
      crop: field.crop,
    };
  }
  return {
    state,
    value: state === 'read' ? value : state === 'empty' ? 0 : null,
    confidence,
    overwritten,
    readBy: LOCAL_READER,
    crop: field.crop,
  };
}

/**
 * The sheet as an E14Submission (source 'ocr', or 'witness' for a photo): every cell with its reading, confidence and crop;
 * cells that were not read become 'illegible' (confidence 0) so that they go to review. Values and
 * confidences are those of the whole sheet's reading, its sums included, unless `arithmetic` is false.
 * `confirmed` holds the field paths some check of that arithmetic confirmed (a list's rows and its
 * TOTAL adding up, the rows making the suma total...): those values were read right, whatever
 * another sum of the sheet says.
 */
export function sheetToSubmission(
  reading: SheetReading,
  context: SubmissionContext,
): { submission: E14Submission; confirmed: ReadonlySet<string> } {
  const byField = new Map(reading.fields.map((field) => [field.field, field]));
  const decoded = decodeSheet(new Map(reading.fields.map((field) => [field.field, field.reading])), context);
  const headerMesa = mesaFromHeader(reading.header);
  const mesa = context.mesa ?? (headerMesa.success ? headerMesa.data : undefined);
  if (!mesa) {
    throw new SheetError(
      'HEADER_UNREAD',
      'The mesa codes could not be read from the header; pass the mesa explicitly.',
    );
  }
  const firstBarcode = reading.pages.find((page) => page.barcode?.parsed)?.barcode?.parsed;
  const copy = context.copy ?? firstBarcode?.copy ?? undefined;
  if (!copy)
    throw new SheetError('HEADER_UNREAD', 'The copy (claveros/delegados/transmisión) is unknown; pass it explicitly.');
  const votes: E14SubmissionInput['votes'] = [];
  const listTotals: E14SubmissionInput['listTotals'] = [];
  for (const field of reading.fields) {
    const vote = /^votes\.(\d+)(?:-(\d+))?$/.exec(field.field);
    if (vote) {
      votes.push({
        ballotNumber: Number(vote[1]),
        ...(vote[2] === undefined ? {} : { candidateNumber: Number(vote[2]) }),
        votes: toFieldInput(field, decoded),
      });
    }
    const total = /^listTotals\.(\d+)$/.exec(field.field);
    if (total) listTotals.push({ ballotNumber: Number(total[1]), total: toFieldInput(field, decoded) });
  }
  const input: E14SubmissionInput = {
    schemaVersion: 2,
    electionCode: context.electionCode,
    corporation: context.corporation ?? reading.corporation,
    mesa,
    copy,
    source: context.source ?? 'ocr',
    ...(context.sourceRef ? { sourceRef: context.sourceRef } : {}),
    ...(reading.barcode ? { barcode: reading.barcode } : {}),
    ...(reading.transmissionCode.value ? { transmissionCode: reading.transmissionCode.value } : {}),
    // The form's page count: a photo is one page of it, and the barcode says how many there are.
    pageCount: firstBarcode?.pageCount ?? reading.pageCount,
    nivelacion: {
      sufragantes: toFieldInput(byField.get('nivelacion.sufragantes'), decoded),
      urna: toFieldInput(byField.get('nivelacion.urna'), decoded),
      incinerados: toFieldInput(byField.get('nivelacion.incinerados'), decoded),
    },
    votes,
    listTotals,
    blancos: toFieldInput(byField.get('blancos'), decoded),
    nulos: toFieldInput(byField.get('nulos'), decoded),
    noMarcados: toFieldInput(byField.get('noMarcados'), decoded),
    ...(byField.has('sumaTotal') ? { sumaTotal: toFieldInput(byField.get('sumaTotal'), decoded) } : {}),
    documentHash: reading.documentHash,
  };
  const confirmed = new Set(
    reading.fields.flatMap(({ field, reading: cell }) => (cell && decoded.get(field)?.verified ? [field] : [])),
  );
  return { submission: e14SubmissionSchema.parse(input), confirmed };
}
