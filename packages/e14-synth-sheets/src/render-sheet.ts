import {
  BARCODE_CORPORATION_DIGIT,
  type Candidate,
  type Copy,
  type E14Submission,
  type Field,
  toField,
} from '@castor/contracts';
import { drawDarkest } from '@castor/digit-recognizer';
import { renderHandwrittenNumber } from '@castor/digit-recognizer-training';
import {
  applyHomography,
  ballotBlocks,
  type GrayImage,
  type Homography,
  homographyFromPoints,
  type LaidOutSheet,
  layOutGeneric,
  layOutPresidente2026,
  type Point,
  REFERENCE_PAGE,
  type SheetTemplate,
  type SheetText,
} from '@castor/e14-sheets';
import type { Rng } from '@castor/seeded-random';
import { PDFDocument, PDFName } from 'pdf-lib';
import sharp from 'sharp';
import { z } from 'zod';
import { pageSvg, rasterizeSvg } from './draw.js';

/**
 * Synthetic E-14 sheets with known truth: the printed form (Presidente 2026 as published, or the
 * generic list layout of @castor/e14-sheets), handwritten values drawn by
 * @castor/digit-recognizer-training's renderer with dots in unused positions and occasional
 * over-writing, then scanned: rotated, shifted, scaled, speckled and cut to 1 bit, one image per
 * page in a PDF shaped like the Registraduría's.
 */

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
});
export type RenderOptions = z.output<typeof renderOptionsSchema>;
export type RenderOptionsInput = z.input<typeof renderOptionsSchema>;

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
  pdf: Uint8Array;
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
function defaultElectionLines(corporation: E14Submission['corporation']): string[] {
  if (corporation === 'PRESIDENTE')
    return ['ELECCIÓN PRESIDENCIA Y', 'VICEPRESIDENCIA DE LA REPÚBLICA', 'JUNIO 21 DE 2026'];
  return ['ELECCIONES', corporation === 'JAL' ? 'JUNTAS ADMINISTRADORAS LOCALES' : corporation, ''];
}

const COPY_DIGIT: Record<Copy, number> = { claveros: 1, delegados: 2, transmision: 3 };
const COPY_LABEL: Record<Copy, string> = { claveros: 'CLAVEROS', delegados: 'DELEGADOS', transmision: 'TRANSMISIÓN' };

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

function layOut(
  submission: E14Submission,
  text: (pageCount: number) => SheetText,
  candidates: readonly Candidate[],
): LaidOutSheet {
  const signed = submission.juradosSigned ?? 6;
  const ballots = submission.votes.map((vote) => `${vote.ballotNumber}-${vote.candidateNumber ?? ''}`).join(',');
  if (submission.corporation === 'PRESIDENTE' && ballots === '1-,2-') {
    return layOutPresidente2026(text(2), candidates, signed);
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
function scanGeometry(rng: Rng, options: RenderOptions, template: SheetTemplate) {
  const width = Math.round(REFERENCE_PAGE.width * (1 + rng.uniform(-options.scaleJitter, options.scaleJitter)));
  const height = Math.round(REFERENCE_PAGE.height * (1 + rng.uniform(-options.scaleJitter, options.scaleJitter)));
  const rotation = (rng.uniform(-options.maxRotationDeg, options.maxRotationDeg) * Math.PI) / 180;
  const sx = 1 + rng.uniform(-options.scaleJitter, options.scaleJitter);
  const sy = 1 + rng.uniform(-options.scaleJitter, options.scaleJitter);
  const shift = {
    x: rng.uniform(-options.maxShiftPx, options.maxShiftPx),
    y: rng.uniform(-options.maxShiftPx, options.maxShiftPx),
  };
  const center = { x: REFERENCE_PAGE.width / 2, y: REFERENCE_PAGE.height / 2 };
  const forward = (p: Point, fit: number): Point => {
    const dx = (p.x - center.x) * sx * fit;
    const dy = (p.y - center.y) * sy * fit;
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

/** Resamples the upright page through the scan geometry and cuts it to 1 bit (1 = ink), with noise. */
function scanToBits(page: GrayImage, geometry: ReturnType<typeof scanGeometry>, options: RenderOptions, rng: Rng) {
  const { width, height, toReference } = geometry;
  const rowBytes = Math.ceil(width / 8);
  const ink = new Uint8Array(rowBytes * height);
  const threshold = 128 + options.inkSpread * 100;
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
      const value =
        (level(x0, y0) * (1 - tx) + level(x0 + 1, y0) * tx) * (1 - ty) +
        (level(x0, y0 + 1) * (1 - tx) + level(x0 + 1, y0 + 1) * tx) * ty;
      let isInk = value < threshold;
      if (isInk ? rng.next() < options.dropout : rng.next() < options.speckle) isInk = !isInk;
      if (isInk) ink[y * rowBytes + (x >> 3)] = (ink[y * rowBytes + (x >> 3)] as number) | (0x80 >> (x & 7));
    }
  }
  return { rowBytes, ink };
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
      electionLines: details.electionLines ?? defaultElectionLines(submission.corporation),
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

  const pdf = await PDFDocument.create({ updateMetadata: false });
  const fields: FieldTruth[] = [];
  const pages: PageTruth[] = [];
  const referencePages: GrayImage[] = [];
  for (const drawn of laidOut.pages) {
    const qrPayload = Buffer.from(Uint8Array.from({ length: 32 }, () => Math.floor(rng.next() * 256))).toString(
      'base64',
    );
    const barcode = barcodeDigits(drawn.pageNumber, template.pageCount);
    const page = await rasterizeSvg(await pageSvg(drawn, REFERENCE_PAGE, { barcode, qr: qrPayload }, rng));
    for (const cell of template.cells.filter((c) => c.page === drawn.pageNumber)) {
      const field = values.get(cell.field);
      const value = field && field.state === 'read' && field.value !== null ? field.value : 'empty';
      const digitHeight = Math.min(cell.rect.height / 1.75, 48) * rng.uniform(0.85, 1.1);
      const cellHeight = Math.round(Math.min(cell.rect.height, digitHeight * 1.9));
      const written = await renderHandwrittenNumber(
        value,
        {
          cellWidth: Math.round(cell.rect.width),
          cellHeight,
          digitHeight,
          filler: 'dot',
          overwrite: options.overwriteRate,
          ...(options.emptyStyle === 'random' ? {} : { emptyStyle: options.emptyStyle }),
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
    const geometry = scanGeometry(rng, options, template);
    const { ink } = scanToBits(page, geometry, options, rng);
    // DeviceGray 1-bit: a 0 sample is black, so the stored bits are the inverse of the ink mask.
    for (let i = 0; i < ink.length; i++) ink[i] = ~(ink[i] as number) & 0xff;
    const image = pdf.context.flateStream(ink, {
      Type: 'XObject',
      Subtype: 'Image',
      Width: geometry.width,
      Height: geometry.height,
      BitsPerComponent: 1,
      ColorSpace: 'DeviceGray',
    });
    const pdfPage = pdf.addPage([geometry.width, geometry.height]);
    pdfPage.node.setXObject(PDFName.of('Im0'), pdf.context.register(image));
    const content = pdf.context.flateStream(`q ${geometry.width} 0 0 ${geometry.height} 0 0 cm /Im0 Do Q`);
    pdfPage.node.set(PDFName.of('Contents'), pdf.context.register(content));
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
  return {
    pdf: await pdf.save({ useObjectStreams: true }),
    template,
    truth: { fields, pages, mesa: submission.mesa, transmissionCode, copy: submission.copy },
    referencePages,
  };
}

/** A phone photo of page 1: perspective, a darker table around the sheet, uneven light, blur, JPEG. */
export async function renderSheetPhoto(sheet: RenderedSheet, rng: Rng, pageNumber = 1): Promise<Uint8Array> {
  const page = sheet.referencePages[pageNumber - 1];
  if (!page) throw new RangeError(`no page ${pageNumber}`);
  // A camera keeps the sheet's proportions (perspective aside): the sheet fills ~88 % of the height.
  const height = 3300;
  const width = Math.round((height * 0.88 * page.width) / page.height / 0.86);
  const margin = { x: width * 0.07, y: height * 0.06 };
  const jitter = () => rng.uniform(-0.025, 0.025);
  const corners = [
    { x: margin.x + jitter() * width, y: margin.y + jitter() * height },
    { x: width - margin.x + jitter() * width, y: margin.y + jitter() * height },
    { x: width - margin.x + jitter() * width, y: height - margin.y + jitter() * height },
    { x: margin.x + jitter() * width, y: height - margin.y + jitter() * height },
  ];
  const reference = [
    { x: 0, y: 0 },
    { x: page.width, y: 0 },
    { x: page.width, y: page.height },
    { x: 0, y: page.height },
  ];
  const toReference = homographyFromPoints(corners, reference);
  if (!toReference) throw new Error('degenerate photo geometry');
  const light = { x: rng.uniform(0, width), y: rng.uniform(0, height), strength: rng.uniform(0.15, 0.3) };
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = applyHomography(toReference, x + 0.5, y + 0.5);
      const px = Math.floor(p.x);
      const py = Math.floor(p.y);
      const onSheet = px >= 0 && py >= 0 && px < page.width && py < page.height;
      const paper = onSheet ? (page.data[py * page.width + px] as number) * 0.82 + 30 : 95;
      const shade = 1 - light.strength * (Math.hypot(x - light.x, y - light.y) / Math.hypot(width, height));
      data[y * width + x] = Math.max(0, Math.min(255, paper * shade + (rng.next() - 0.5) * 16));
    }
  }
  const jpeg = await sharp(data, { raw: { width, height, channels: 1 } })
    .blur(0.8)
    .jpeg({ quality: 82 })
    .toBuffer();
  return new Uint8Array(jpeg);
}
