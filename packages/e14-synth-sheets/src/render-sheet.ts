import {
  BARCODE_CORPORATION_DIGIT,
  type Candidate,
  type Copy,
  type E14Submission,
  type Field,
  toField,
} from '@castor/contracts';
import { drawDarkest } from '@castor/digit-recognizer';
import {
  drawHandStyle,
  HANDWRITING_FACE_IDS,
  type HandwritingFaceId,
  renderHandwrittenNumber,
} from '@castor/digit-recognizer-training';
import {
  applyHomography,
  ballotBlocks,
  CONSULADO_DEPARTAMENTO,
  type GrayImage,
  type Homography,
  homographyFromPoints,
  type LaidOutSheet,
  layOutGeneric,
  layOutPresidente2026,
  type Point,
  type PresidentialRound,
  REFERENCE_PAGE,
  type SheetTemplate,
  type SheetText,
} from '@castor/e14-sheets';
import { createRng, type Rng } from '@castor/seeded-random';
import sharp from 'sharp';
import { z } from 'zod';
import { pageSvg, rasterizeSvg } from './draw.js';
import { renderSheetPhoto } from './render-photo.js';
import { type ScanImage, type ScanPage, scanPdf } from './scan-pdf.js';

/**
 * Synthetic E-14 sheets with known truth: the printed form (Presidente 2026 as published, or the
 * generic list layout of @castor/e14-sheets), handwritten values drawn by
 * @castor/digit-recognizer-training's renderer with dots in unused positions and occasional
 * over-writing, then scanned: rotated, shifted, scaled, speckled and cut to 1 bit, one image per
 * page in a PDF shaped like the Registraduría's.
 */

export const SCAN_KINDS = ['1-bit', 'gray', 'color', 'low-res', 'photo'] as const;
export type ScanKind = (typeof SCAN_KINDS)[number];

/** Pixels of the scan per pixel of the reference page (72 dpi): a low-resolution scanner gives fewer. */
const SCAN_RESOLUTION: Record<ScanKind, number> = { '1-bit': 1, gray: 1, color: 1, 'low-res': 0.75, photo: 1 };

export const renderOptionsSchema = z.object({
  maxRotationDeg: z.number().min(0).max(10).default(3),
  maxShiftPx: z.number().min(0).max(80).default(12),
  /** Independent horizontal and vertical scale jitter (the two real scans differ by 1.5 %). */
  scaleJitter: z.number().min(0).max(0.1).default(0.015),
  /** Fraction of paper pixels turned to black specks. */
  speckle: z.number().min(0).max(0.05).default(0.0004),
  /** Fraction of ink pixels lost. */
  dropout: z.number().min(0).max(0.3).default(0.002),
  /** 0..1: how much the print bleeds (thicker strokes, narrower gaps). */
  inkSpread: z.number().min(0).max(1).default(0.2),
  /** Probability that a cell has one over-written digit. */
  overwriteRate: z.number().min(0).max(1).default(0.05),
  /** How rows worth 0 are written: left blank, filled with dots, or either at random. */
  emptyStyle: z.enum(['blank', 'fillers', 'random']).default('random'),
  /**
   * Whose hand writes the values: one jurado for the whole sheet (as on real sheets: face, pen,
   * slant, how they write 1, 7 and dots), or a new hand for every cell (the default, which the
   * recorded figures were measured with).
   */
  hand: z.enum(['sheet', 'cell']).default('cell'),
  /**
   * The typefaces the hands are drawn from (default: every handwriting face). A benchmark of a hand
   * no model has seen passes the training kit's EVALUATION_FACES.
   */
  faces: z
    .array(z.enum(HANDWRITING_FACE_IDS as [HandwritingFaceId, ...HandwritingFaceId[]]))
    .min(1)
    .optional(),
  /**
   * What the sheet is scanned into: '1-bit' (the Registraduría's published scans), 8-bit 'gray',
   * 'color' (JPEG, tinted paper), 'low-res' (1 bit at three quarters of the resolution) or
   * 'photo' (renderSheetPhoto: `uploads` holds one JPEG for each page that carries numbers).
   */
  scanKind: z.enum(SCAN_KINDS).default('1-bit'),
  /**
   * Write as the jurados of the published first-round sheets do (the handwriting renderer's
   * `firstRoundHabits`: zeros, slashed 'Ø' or crossed-out zeros and X marks as fillers, hollow
   * dots, 1s with a lead-in or a foot). Default: on for the first-round Presidente form, off
   * elsewhere (dot fillers, as the second-round sheets show and the recorded figures assume).
   */
  firstRoundHabits: z.boolean().optional(),
  /**
   * Per-sheet probabilities of what jurados do with the totals (issue 11), each key defaulting on its own:
   * - `oneRowTooHigh`: the SUMA TOTAL written in the row above it (VOTOS NO MARCADOS, when that
   *   row is worth 0) and the suma total row left blank;
   * - `blankTotal`: the suma total row left blank although votes were cast;
   * - `blankUrnaWithTotal`: given `blankTotal`, TOTAL VOTOS EN LA URNA left blank as well.
   * Default: `FIRST_ROUND_TOTALS_HABITS` on the first-round Presidente form, never elsewhere (the
   * recorded second-round and generic figures were measured without them).
   */
  totalsHabits: z
    .object({
      oneRowTooHigh: z.number().min(0).max(1).optional(),
      blankTotal: z.number().min(0).max(1).optional(),
      blankUrnaWithTotal: z.number().min(0).max(1).optional(),
    })
    .optional(),
});
export type RenderOptions = z.output<typeof renderOptionsSchema>;
export type RenderOptionsInput = z.input<typeof renderOptionsSchema>;

type TotalsHabits = Required<NonNullable<RenderOptions['totalsHabits']>>;

/**
 * A few sheets in a hundred: both habits were reported on published first-round sheets, but none
 * of the four labelled real sheets shows either, so they are rare; at 3 % a benchmark of a few
 * hundred sheets meets each several times while the recorded first-round figures move by a few
 * sheets only. "Sometimes" the urna row goes blank with the suma total: half the time.
 */
const FIRST_ROUND_TOTALS_HABITS: TotalsHabits = {
  oneRowTooHigh: 0.03,
  blankTotal: 0.03,
  blankUrnaWithTotal: 0.5,
};
const NO_TOTALS_HABITS: TotalsHabits = { oneRowTooHigh: 0, blankTotal: 0, blankUrnaWithTotal: 0 };

/** What a cell holds instead of the submission's value: a number written there, or no ink at all. */
type TotalsHabitCell = number | 'blank';

/**
 * The cells a jurado with a totals habit writes otherwise than the submission says. The no
 * marcados row is the one right above the suma total on every layout.
 */
function drawTotalsHabit(
  values: ReadonlyMap<string, Field>,
  habits: TotalsHabits,
  rng: Rng,
): Map<string, TotalsHabitCell> {
  const sumaTotal = values.get('sumaTotal');
  const noMarcados = values.get('noMarcados');
  const total = sumaTotal?.state === 'read' ? sumaTotal.value : null;
  if (total === null || total === 0) return new Map();
  const noMarcadosZero = noMarcados?.state === 'empty' || (noMarcados?.state === 'read' && noMarcados.value === 0);
  if (rng.next() < habits.oneRowTooHigh && noMarcadosZero)
    return new Map<string, TotalsHabitCell>([
      ['noMarcados', total],
      ['sumaTotal', 'blank'],
    ]);
  if (!(rng.next() < habits.blankTotal)) return new Map();
  const blanked = new Map<string, TotalsHabitCell>([['sumaTotal', 'blank']]);
  if (rng.next() < habits.blankUrnaWithTotal) blanked.set('nivelacion.urna', 'blank');
  return blanked;
}

/** What the submission does not carry but the printed sheet shows. */
export interface SheetDetails {
  kit?: string;
  lugar?: string;
  departamentoName?: string;
  municipioName?: string;
  civ?: string;
  /** Names on the rows (divipol candidates of this ballot). */
  candidates?: readonly Candidate[];
  electionLines?: string[];
}

export interface FieldTruth {
  field: string;
  page: number;
  state: 'read' | 'empty';
  value: number;
  overwritten: boolean;
}

export interface PageTruth {
  pageNumber: number;
  barcode: string;
  qrPayload: string;
  /** Template coordinates → pixels of this page's image. */
  toImage: Homography;
  width: number;
  height: number;
  rotationDeg: number;
}

export interface RenderedSheet {
  /** The scan (for a 'photo' scan kind, the 1-bit scan of the same paper). */
  pdf: Uint8Array;
  scanKind: ScanKind;
  /** What a person sends for this scan kind: the PDF, or a phone photo (JPEG) of each page with numbers. */
  uploads: Uint8Array[];
  template: SheetTemplate;
  truth: {
    fields: FieldTruth[];
    pages: PageTruth[];
    mesa: E14Submission['mesa'];
    transmissionCode: string;
    copy: Copy;
  };
  /** The upright printed and filled pages before scanning (what a photo is taken of). */
  referencePages: GrayImage[];
}

/** What the banner under the title says when the caller does not: the 2026 round or a generic title. */
function defaultElectionLines(submission: E14Submission): string[] {
  const { corporation } = submission;
  if (corporation === 'PRESIDENTE') {
    const date = presidentialRound(submission) === 1 ? 'MAYO 31 DE 2026' : 'JUNIO 21 DE 2026';
    return ['ELECCIÓN PRESIDENCIA Y', 'VICEPRESIDENCIA DE LA REPÚBLICA', date];
  }
  return ['ELECCIONES', corporation === 'JAL' ? 'JUNTAS ADMINISTRADORAS LOCALES' : corporation, ''];
}

const COPY_DIGIT: Record<Copy, number> = { claveros: 1, delegados: 2, transmision: 3, consul_embajador: 2 };
const COPY_LABEL: Record<Copy, string> = {
  claveros: 'CLAVEROS',
  delegados: 'DELEGADOS',
  transmision: 'TRANSMISIÓN',
  consul_embajador: 'CÓNSUL/EMBAJADOR',
};

function digits(rng: Rng, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += Math.floor(rng.next() * 10);
  return out;
}

/** Field values of a submission by template field key. */
export function submissionFields(submission: E14Submission): Map<string, Field> {
  const fields = new Map<string, Field>();
  fields.set('nivelacion.sufragantes', toField(submission.nivelacion.sufragantes));
  fields.set('nivelacion.urna', toField(submission.nivelacion.urna));
  fields.set('nivelacion.incinerados', toField(submission.nivelacion.incinerados));
  for (const vote of submission.votes) {
    const key =
      vote.candidateNumber === undefined ? `${vote.ballotNumber}` : `${vote.ballotNumber}-${vote.candidateNumber}`;
    fields.set(`votes.${key}`, toField(vote.votes));
  }
  for (const total of submission.listTotals) fields.set(`listTotals.${total.ballotNumber}`, toField(total.total));
  fields.set('blancos', toField(submission.blancos));
  fields.set('nulos', toField(submission.nulos));
  fields.set('noMarcados', toField(submission.noMarcados));
  if (submission.sumaTotal !== undefined) fields.set('sumaTotal', toField(submission.sumaTotal));
  return fields;
}

/** The Presidente 2026 round whose published form the ballot is: 13 candidates (first) or two fórmulas (second). */
function presidentialRound(submission: E14Submission): PresidentialRound | null {
  if (submission.corporation !== 'PRESIDENTE') return null;
  const ballots = submission.votes.map((vote) => `${vote.ballotNumber}-${vote.candidateNumber ?? ''}`).join(',');
  if (ballots === '1-,2-') return 2;
  if (ballots === Array.from({ length: 13 }, (_, i) => `${i + 1}-`).join(',')) return 1;
  return null;
}

function layOut(
  submission: E14Submission,
  text: (pageCount: number) => SheetText,
  candidates: readonly Candidate[],
): LaidOutSheet {
  const signed = submission.juradosSigned ?? 6;
  const round = presidentialRound(submission);
  if (round) {
    const consulado = submission.mesa.departamento === CONSULADO_DEPARTAMENTO;
    return layOutPresidente2026(text(round === 1 ? 3 : 2), candidates, signed, { round, consulado });
  }
  const blocks = ballotBlocks(
    submission.corporation,
    submission.votes,
    submission.listTotals.map((total) => total.ballotNumber),
    candidates,
  );
  const rows = blocks.reduce((sum, block) => sum + block.rows.length, 0);
  return layOutGeneric(
    `generic-${submission.corporation.toLowerCase()}-${blocks.length}b-${rows}r`,
    submission.corporation,
    blocks,
    text,
    signed,
  );
}

/** Places the upright page into a scan of its own size: rotation, shift and scale, corners kept inside. */
function scanGeometry(rng: Rng, options: RenderOptions, template: SheetTemplate, resolution: number) {
  const width = Math.round(
    REFERENCE_PAGE.width * resolution * (1 + rng.uniform(-options.scaleJitter, options.scaleJitter)),
  );
  const height = Math.round(
    REFERENCE_PAGE.height * resolution * (1 + rng.uniform(-options.scaleJitter, options.scaleJitter)),
  );
  const rotation = (rng.uniform(-options.maxRotationDeg, options.maxRotationDeg) * Math.PI) / 180;
  const sx = 1 + rng.uniform(-options.scaleJitter, options.scaleJitter);
  const sy = 1 + rng.uniform(-options.scaleJitter, options.scaleJitter);
  const shift = {
    x: rng.uniform(-options.maxShiftPx, options.maxShiftPx),
    y: rng.uniform(-options.maxShiftPx, options.maxShiftPx),
  };
  const center = { x: REFERENCE_PAGE.width / 2, y: REFERENCE_PAGE.height / 2 };
  const forward = (p: Point, fit: number): Point => {
    const dx = (p.x - center.x) * sx * fit * resolution;
    const dy = (p.y - center.y) * sy * fit * resolution;
    return {
      x: width / 2 + shift.x + dx * Math.cos(rotation) - dy * Math.sin(rotation),
      y: height / 2 + shift.y + dx * Math.sin(rotation) + dy * Math.cos(rotation),
    };
  };
  const half = template.fiducials.side / 2 + 12;
  const { topLeft, topRight, bottomRight, bottomLeft } = template.fiducials;
  const extremes = [topLeft, topRight, bottomRight, bottomLeft].flatMap((c) => [
    { x: c.x - half, y: c.y - half },
    { x: c.x + half, y: c.y - half },
    { x: c.x + half, y: c.y + half },
    { x: c.x - half, y: c.y + half },
  ]);
  let fit = 1;
  const inside = (p: Point) => p.x >= 0 && p.y >= 0 && p.x <= width && p.y <= height;
  // The shift is in reference pixels: a coarser scan moves the page as far on the paper.
  shift.x *= resolution;
  shift.y *= resolution;
  while (fit > 0.8 && !extremes.every((p) => inside(forward(p, fit)))) fit -= 0.004;
  const references = [
    { x: 0, y: 0 },
    { x: REFERENCE_PAGE.width, y: 0 },
    { x: REFERENCE_PAGE.width, y: REFERENCE_PAGE.height },
    { x: 0, y: REFERENCE_PAGE.height },
  ];
  const images = references.map((p) => forward(p, fit));
  const toImage = homographyFromPoints(references, images);
  const toReference = homographyFromPoints(images, references);
  if (!toImage || !toReference) throw new Error('degenerate scan geometry');
  return { width, height, toImage, toReference, rotationDeg: (rotation * 180) / Math.PI };
}

type ScanGeometry = ReturnType<typeof scanGeometry>;

/** Visits every scan pixel with the upright page's level there (bilinear, paper outside the page). */
function resample(page: GrayImage, geometry: ScanGeometry, visit: (x: number, y: number, value: number) => void) {
  const { width, height, toReference } = geometry;
  const level = (x: number, y: number) =>
    x < 0 || y < 0 || x >= page.width || y >= page.height ? 255 : (page.data[y * page.width + x] as number);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = applyHomography(toReference, x + 0.5, y + 0.5);
      const fx = p.x - 0.5;
      const fy = p.y - 0.5;
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const tx = fx - x0;
      const ty = fy - y0;
      visit(
        x,
        y,
        (level(x0, y0) * (1 - tx) + level(x0 + 1, y0) * tx) * (1 - ty) +
          (level(x0, y0 + 1) * (1 - tx) + level(x0 + 1, y0 + 1) * tx) * ty,
      );
    }
  }
}

/** Resamples the upright page through the scan geometry and cuts it to 1 bit (1 = ink), with noise. */
function scanToBits(page: GrayImage, geometry: ScanGeometry, options: RenderOptions, rng: Rng): ScanImage {
  const { width, height } = geometry;
  const rowBytes = Math.ceil(width / 8);
  const ink = new Uint8Array(rowBytes * height);
  const threshold = 128 + options.inkSpread * 100;
  resample(page, geometry, (x, y, value) => {
    let isInk = value < threshold;
    if (isInk ? rng.next() < options.dropout : rng.next() < options.speckle) isInk = !isInk;
    if (isInk) ink[y * rowBytes + (x >> 3)] = (ink[y * rowBytes + (x >> 3)] as number) | (0x80 >> (x & 7));
  });
  return { kind: 'bits', width, height, ink };
}

/**
 * An 8-bit scan: paper a little below white, ink a little above black, spread darkening the
 * strokes' edges, sensor noise, and the same specks and dropout as a 1-bit scan. A colour scan
 * tints paper and ink (a cream sheet, blue-black ink) and is stored as JPEG, as scanners do.
 */
async function scanToSamples(
  page: GrayImage,
  geometry: ScanGeometry,
  options: RenderOptions,
  rng: Rng,
  color: boolean,
): Promise<ScanImage> {
  const { width, height } = geometry;
  const gray = new Uint8Array(width * height);
  const paper = rng.uniform(225, 248);
  const inkLevel = rng.uniform(15, 45);
  resample(page, geometry, (x, y, value) => {
    let darkness = Math.min(1, ((255 - value) / 255) * (1 + options.inkSpread));
    if (darkness > 0.5 ? rng.next() < options.dropout : rng.next() < options.speckle) darkness = 1 - darkness;
    const level = paper - (paper - inkLevel) * darkness + (rng.next() - 0.5) * 10;
    gray[y * width + x] = Math.max(0, Math.min(255, Math.round(level)));
  });
  if (!color) return { kind: 'samples', width, height, channels: 1, data: gray };
  const rgb = new Uint8Array(width * height * 3);
  const tint = [1, 0.985, 0.94];
  const inkTint = [0.75, 0.8, 1.25];
  for (let i = 0; i < gray.length; i++) {
    const value = gray[i] as number;
    const darkness = 1 - value / 255;
    for (let c = 0; c < 3; c++) {
      const toned = value * ((tint[c] as number) * (1 - darkness) + (inkTint[c] as number) * darkness);
      rgb[i * 3 + c] = Math.max(0, Math.min(255, Math.round(toned)));
    }
  }
  const jpeg = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
  return { kind: 'jpeg', width, height, channels: 3, jpeg: new Uint8Array(jpeg) };
}

function scanImage(page: GrayImage, geometry: ScanGeometry, options: RenderOptions, rng: Rng) {
  if (options.scanKind === 'gray' || options.scanKind === 'color')
    return scanToSamples(page, geometry, options, rng, options.scanKind === 'color');
  return Promise.resolve(scanToBits(page, geometry, options, rng));
}

export async function renderSheetPdf(
  submission: E14Submission,
  details: SheetDetails,
  optionsInput: RenderOptionsInput,
  rng: Rng,
): Promise<RenderedSheet> {
  const options = renderOptionsSchema.parse(optionsInput);
  const kit = (details.kit ?? submission.barcode?.slice(2, 8) ?? digits(rng, 6)).padStart(6, '0');
  const transmissionCode =
    submission.transmissionCode ?? `X ${digits(rng, 1)}-${digits(rng, 2)}-${digits(rng, 2)}-${digits(rng, 2)} X`;
  const corporationDigit = BARCODE_CORPORATION_DIGIT[submission.corporation];
  const barcodeDigits = (page: number, pageCount: number) =>
    `7${corporationDigit}${kit}${COPY_DIGIT[submission.copy]}01${String(page).padStart(2, '0')}${String(pageCount).padStart(2, '0')}`;
  const text = (pageCount: number): SheetText => {
    return {
      copyLabel: COPY_LABEL[submission.copy],
      electionLines: details.electionLines ?? defaultElectionLines(submission),
      departamento: submission.mesa.departamento,
      departamentoName: details.departamentoName ?? 'DEPARTAMENTO',
      municipio: submission.mesa.municipio,
      municipioName: details.municipioName ?? 'MUNICIPIO',
      zona: submission.mesa.zona,
      puesto: submission.mesa.puesto,
      mesa: submission.mesa.mesa,
      lugar: details.lugar ?? 'PUESTO DE VOTACIÓN',
      transmissionCode,
      barcodeDigits: (page) => barcodeDigits(page, pageCount),
      kit,
      civ: details.civ ?? digits(rng, 6),
    };
  };
  const laidOut = layOut(submission, text, details.candidates ?? []);
  const { template } = laidOut;
  const values = submissionFields(submission);
  const firstRound = presidentialRound(submission) === 1;
  const firstRoundHabits = options.firstRoundHabits ?? firstRound;
  const totalsHabits = { ...(firstRound ? FIRST_ROUND_TOTALS_HABITS : NO_TOTALS_HABITS), ...options.totalsHabits };
  let totalsHabitCells: Map<string, TotalsHabitCell> | undefined;
  // The size of the writing follows each row; everything else about one jurado's hand stays.
  const faces = options.faces ? { faces: options.faces } : {};
  const { digitHeight: _, ...sheetHand } =
    options.hand === 'sheet' ? drawHandStyle(faces, rng) : { digitHeight: 0, ...faces };

  const scans: ScanPage[] = [];
  const fields: FieldTruth[] = [];
  const pages: PageTruth[] = [];
  const referencePages: GrayImage[] = [];
  for (const drawn of laidOut.pages) {
    const qrPayload = Buffer.from(Uint8Array.from({ length: 32 }, () => Math.floor(rng.next() * 256))).toString(
      'base64',
    );
    // Its own stream, seeded by the first page's QR payload (bytes the sheet's rng draws anyway),
    // so that a sheet without a totals habit keeps every draw it had without the option.
    totalsHabitCells ??= drawTotalsHabit(values, totalsHabits, createRng(`totals-habits ${qrPayload}`));
    const barcode = barcodeDigits(drawn.pageNumber, template.pageCount);
    const page = await rasterizeSvg(await pageSvg(drawn, REFERENCE_PAGE, { barcode, qr: qrPayload }, rng));
    for (const cell of template.cells.filter((c) => c.page === drawn.pageNumber)) {
      const field = values.get(cell.field);
      const habitCell = totalsHabitCells.get(cell.field);
      const submitted = field && field.state === 'read' && field.value !== null ? field.value : 'empty';
      const value = habitCell === undefined ? submitted : habitCell === 'blank' ? 'empty' : habitCell;
      const emptyStyle = habitCell === 'blank' ? 'blank' : options.emptyStyle;
      const digitHeight = Math.min(cell.rect.height / 1.75, 48) * rng.uniform(0.85, 1.1);
      const cellHeight = Math.round(Math.min(cell.rect.height, digitHeight * 1.9));
      const written = await renderHandwrittenNumber(
        value,
        {
          cellWidth: Math.round(cell.rect.width),
          cellHeight,
          digitHeight,
          ...sheetHand,
          ...(firstRoundHabits ? { firstRoundHabits } : { filler: 'dot' as const }),
          overwrite: options.overwriteRate,
          ...(emptyStyle === 'random' ? {} : { emptyStyle }),
        },
        rng,
      );
      drawDarkest(
        page,
        written.image,
        Math.round(cell.rect.x),
        Math.round(cell.rect.y + (cell.rect.height - cellHeight) / 2),
      );
      fields.push({
        field: cell.field,
        page: cell.page,
        state: written.state,
        value: written.value,
        overwritten: written.overwritten,
      });
    }
    referencePages.push(page);
    const resolution = SCAN_RESOLUTION[options.scanKind];
    const geometry = scanGeometry(rng, options, template, resolution);
    scans.push({ image: await scanImage(page, geometry, options, rng), dpi: 72 * resolution });
    pages.push({
      pageNumber: drawn.pageNumber,
      barcode,
      qrPayload,
      toImage: geometry.toImage,
      width: geometry.width,
      height: geometry.height,
      rotationDeg: geometry.rotationDeg,
    });
  }
  const pdf = await scanPdf(scans);
  const sheet: RenderedSheet = {
    pdf,
    scanKind: options.scanKind,
    uploads: [pdf],
    template,
    truth: { fields, pages, mesa: submission.mesa, transmissionCode, copy: submission.copy },
    referencePages,
  };
  if (options.scanKind === 'photo') {
    sheet.uploads = [];
    // A witness photographs the pages that carry numbers, not the jurados' page.
    const numbered = new Set(template.cells.map((cell) => cell.page));
    for (const { pageNumber } of pages.filter((page) => numbered.has(page.pageNumber)))
      sheet.uploads.push(await renderSheetPhoto(sheet, rng, pageNumber));
  }
  return sheet;
}
