import { type Candidate, type Corporation, isListCorporation } from '@castor/contracts';
import { loadShippedTemplate } from './load.js';
import type { PrintedNumber, SheetTemplate, TemplateCell, TemplateRect, TemplateRule } from './schema.js';

/**
 * What is printed on each page of a synthetic E-14, in template coordinates, and the template
 * that reads it back. The Presidente 2026 layouts (first and second round, regular and consulate)
 * are drawn from their shipped templates, measured on the real scans; every other ballot gets the
 * generic layout below: list
 * blocks with a black banner, row 0 "solo por la agrupación", candidate rows 101.., a printed
 * TOTAL for lists con voto preferente, and as many pages as the rows need plus the constancias page.
 */

export type Shape =
  | {
      kind: 'text';
      x: number;
      y: number;
      text: string;
      size: number;
      bold?: boolean;
      anchor?: 'start' | 'middle' | 'end';
      white?: boolean;
      stretch?: number;
    }
  | {
      kind: 'box';
      x: number;
      y: number;
      width: number;
      height: number;
      fill?: boolean;
      stroke?: number;
      radius?: number;
    }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; width?: number }
  | { kind: 'blob'; cx: number; cy: number; rx: number; ry: number }
  | { kind: 'signature'; x: number; y: number; width: number; height: number }
  | { kind: 'barcode'; x: number; y: number; width: number; height: number }
  | { kind: 'qr'; x: number; y: number; size: number };

export interface DrawnPage {
  pageNumber: number;
  shapes: Shape[];
}

export interface SheetText {
  copyLabel: string;
  electionLines: string[];
  departamento: string;
  departamentoName: string;
  municipio: string;
  municipioName: string;
  zona: string;
  puesto: string;
  mesa: string;
  lugar: string;
  transmissionCode: string;
  barcodeDigits: (page: number) => string;
  kit: string;
  civ: string;
}

/** One printed vote row of the generic layout. */
export interface BallotRow {
  field: string;
  number: string;
  label: string;
}

/** A block of rows under one banner (a candidate list, or the single-winner candidates). */
export interface BallotBlock {
  banner: string;
  rows: BallotRow[];
}

const PAGE = { width: 868, height: 2613 } as const;
const VALUE_X = 604;
const VALUE_WIDTH = 214;
const LEFT = 46.5;
const RIGHT = 820.5;
const DIVIDER = 600;
const BODY_BOTTOM = 2470;
const BANNER_HEIGHT = 39;

const HEADER_RULES: TemplateRule[] = [
  { x1: 50, y1: 371.5, x2: 815, y2: 371.5 },
  { x1: 50, y1: 531.5, x2: 815, y2: 531.5 },
  { x1: 46.5, y1: 375, x2: 46.5, y2: 528 },
  { x1: 819.5, y1: 375, x2: 819.5, y2: 528 },
];

/** The top of every page: corner squares, barcode, QR, titles, header codes, transmission code. */
function pageHead(template: SheetTemplate, text: SheetText, pageNumber: number, pageCount: number): Shape[] {
  const { fiducials, regions } = template;
  const shapes: Shape[] = [];
  for (const corner of [fiducials.topLeft, fiducials.topRight, fiducials.bottomRight, fiducials.bottomLeft]) {
    shapes.push({
      kind: 'box',
      x: corner.x - fiducials.side / 2,
      y: corner.y - fiducials.side / 2,
      width: fiducials.side,
      height: fiducials.side,
      fill: true,
    });
  }
  shapes.push({ kind: 'barcode', x: 222, y: 48, width: 418, height: 63 });
  const digits = text.barcodeDigits(pageNumber);
  const pitch = regions.barcodeText.width / 16.2;
  for (let i = 0; i < digits.length; i++) {
    shapes.push({ kind: 'text', x: 347 + i * pitch, y: 138, text: digits[i] as string, size: 21, anchor: 'middle' });
  }
  shapes.push({ kind: 'text', x: 650, y: 145, text: `Ver: 01 Pag: ${pageNumber} de ${pageCount}`, size: 19 });
  shapes.push({ kind: 'qr', x: 58, y: 162, size: 186 });
  shapes.push({
    kind: 'text',
    x: 430,
    y: 185,
    text: 'ACTA DE ESCRUTINIO DE LOS',
    size: 27,
    bold: true,
    anchor: 'middle',
    stretch: 0.82,
  });
  shapes.push({
    kind: 'text',
    x: 430,
    y: 216,
    text: 'JURADOS DE VOTACIÓN',
    size: 27,
    bold: true,
    anchor: 'middle',
    stretch: 0.82,
  });
  shapes.push({ kind: 'box', x: 268, y: 228, width: 330, height: 42, fill: true });
  shapes.push({
    kind: 'text',
    x: 433,
    y: 263,
    text: text.copyLabel,
    size: 36,
    bold: true,
    anchor: 'middle',
    white: true,
    stretch: 0.8,
  });
  text.electionLines.forEach((line, i) => {
    shapes.push({ kind: 'text', x: 432, y: 296 + i * 23, text: line, size: 18, bold: true, anchor: 'middle' });
  });
  shapes.push({ kind: 'box', x: 642, y: 162, width: 139, height: 60, fill: true });
  shapes.push({ kind: 'text', x: 711, y: 205, text: 'E-14', size: 34, bold: true, anchor: 'middle', white: true });
  shapes.push({ kind: 'blob', cx: 712, cy: 280, rx: 30, ry: 32 });
  shapes.push({ kind: 'text', x: 712, y: 336, text: 'REGISTRADURÍA', size: 19, bold: true, anchor: 'middle' });
  shapes.push({
    kind: 'text',
    x: 712,
    y: 348,
    text: 'NACIONAL DEL ESTADO CIVIL',
    size: 9,
    bold: true,
    anchor: 'middle',
  });
  shapes.push({ kind: 'box', x: LEFT, y: 371.5, width: 773, height: 160, stroke: 2 });
  const code = (
    region: { x: number },
    value: string,
    after: string,
    baseline: number,
    label: string,
    labelX: number,
  ) => {
    shapes.push({ kind: 'text', x: labelX, y: baseline, text: label, size: 25 });
    shapes.push({ kind: 'text', x: region.x + 6, y: baseline, text: value, size: 25, bold: true });
    if (after)
      shapes.push({ kind: 'text', x: region.x + 6 + value.length * 14.5 + 4, y: baseline, text: after, size: 25 });
  };
  // A consulate's header names CONSULADO 88 and the country (PAÍS) in the municipio place.
  const consulado = template.header === 'consulado';
  code(
    regions.departamento,
    text.departamento,
    `- ${text.departamentoName}`,
    408,
    consulado ? 'CONSULADO:' : 'DEPARTAMENTO:',
    65,
  );
  code(regions.municipio, text.municipio, `- ${text.municipioName}`, 443, consulado ? 'PAÍS:' : 'MUNICIPIO:', 65);
  code(regions.zona, text.zona, '', 478, 'ZONA:', 63);
  code(regions.puesto, text.puesto, '', 478, 'PUESTO:', 189);
  code(regions.mesa, text.mesa, '', 478, 'MESA:', 347);
  shapes.push({ kind: 'text', x: 65, y: 514, text: `LUGAR: ${text.lugar}`, size: 25 });
  // "X 2-39-88-14 X": one character every 24.9 units, as printed.
  const characters = text.transmissionCode.replace(/^X\s*/, '').replace(/\s*X$/, '');
  shapes.push({ kind: 'text', x: 262, y: 584, text: 'X', size: 34, bold: true, anchor: 'middle' });
  for (let i = 0; i < characters.length; i++) {
    shapes.push({
      kind: 'text',
      x: 322 + i * 24.94,
      y: 584,
      text: characters[i] as string,
      size: 34,
      bold: true,
      anchor: 'middle',
    });
  }
  shapes.push({ kind: 'text', x: 605, y: 584, text: 'X', size: 34, bold: true, anchor: 'middle' });
  shapes.push({ kind: 'text', x: 85, y: 2565, text: `No. Form: ${Number(text.kit)}`, size: 12 });
  shapes.push({
    kind: 'text',
    x: 430,
    y: 2568,
    text: `KIT ${Number(text.kit).toLocaleString('en')}`,
    size: 22,
    bold: true,
    anchor: 'middle',
  });
  shapes.push({ kind: 'text', x: 700, y: 2565, text: `Civ ${text.civ}`, size: 14 });
  return shapes;
}

function banner(y: number, label: string, shapes: Shape[], columns?: [string, number][]): void {
  shapes.push({ kind: 'box', x: 47, y, width: 774, height: BANNER_HEIGHT, fill: true, radius: 12 });
  if (columns) {
    for (const [title, x] of columns)
      shapes.push({ kind: 'text', x, y: y + 27, text: title, size: 19, bold: true, anchor: 'middle', white: true });
  } else
    shapes.push({ kind: 'text', x: 380, y: y + 27, text: label, size: 19, bold: true, anchor: 'middle', white: true });
}

/** Rows of label | value with their rules; returns the cells and the rules a registration checks. */
function rowTable(
  top: number,
  rows: { field: string; label: string; height: number; bold?: boolean }[],
  page: number,
  shapes: Shape[],
) {
  const cells: TemplateCell[] = [];
  const rules: TemplateRule[] = [];
  let y = top;
  for (const [index, row] of rows.entries()) {
    drawRowLabel(row.label, y, row.height, row.bold ?? true, shapes);
    cells.push({
      field: row.field,
      page,
      rect: { x: VALUE_X, y: y + 3, width: VALUE_WIDTH, height: row.height - 6 },
      label: row.label.replace('\n', ' '),
    });
    y += row.height;
    if (index < rows.length - 1) {
      shapes.push({ kind: 'line', x1: LEFT, y1: y, x2: DIVIDER, y2: y, width: 2 });
      rules.push({ x1: LEFT + 4, y1: y, x2: DIVIDER - 5, y2: y });
    }
  }
  tableFrame(top, y, shapes);
  rules.push({ x1: LEFT + 4, y1: y, x2: RIGHT - 5, y2: y }, { x1: DIVIDER, y1: top + 4, x2: DIVIDER, y2: y - 4 });
  return { cells, rules, bottom: y };
}

function drawRowLabel(label: string, top: number, height: number, bold: boolean, shapes: Shape[]): void {
  const lines = label.split('\n');
  lines.forEach((line, i) => {
    shapes.push({
      kind: 'text',
      x: 323,
      y: top + height / 2 + 7 - (lines.length - 1) * 11 + i * 22,
      text: line,
      size: 19,
      bold,
      anchor: 'middle',
    });
  });
}

function tableFrame(top: number, bottom: number, shapes: Shape[]): void {
  shapes.push({ kind: 'box', x: LEFT, y: top, width: RIGHT - LEFT, height: bottom - top, stroke: 2 });
  shapes.push({ kind: 'line', x1: DIVIDER, y1: top, x2: DIVIDER, y2: bottom, width: 2 });
}

const NIVELACION_ROWS = [
  { field: 'nivelacion.sufragantes', label: 'TOTAL VOTANTES FORMULARIO E-11', height: 84 },
  { field: 'nivelacion.urna', label: 'TOTAL VOTOS EN LA URNA', height: 79 },
  { field: 'nivelacion.incinerados', label: 'TOTAL VOTOS INCINERADOS', height: 88 },
];
const CLOSING_ROWS = [
  { field: 'blancos', label: 'VOTOS EN BLANCO', height: 87 },
  { field: 'nulos', label: 'VOTOS NULOS', height: 78 },
  { field: 'noMarcados', label: 'VOTOS NO MARCADOS', height: 79 },
  { field: 'sumaTotal', label: 'SUMA TOTAL (CANDIDATOS +\nEN BLANCO + NULOS + NO MARCADOS)', height: 86 },
];

/** The last page: constancias, recount, six jurado boxes with scribbled (synthetic) signatures. */
function constanciasPage(shapes: Shape[], signed: number): TemplateRule[] {
  banner(612, 'CONSTANCIAS DE LOS JURADOS DE VOTACIÓN', shapes);
  shapes.push({ kind: 'box', x: LEFT, y: 651, width: RIGHT - LEFT, height: 1310, stroke: 2 });
  shapes.push({ kind: 'text', x: 58, y: 1560, text: '¿HUBO RECUENTO DE VOTOS?   SÍ      NO', size: 17, bold: true });
  shapes.push({ kind: 'text', x: 58, y: 1610, text: 'SOLICITADO POR:', size: 17, bold: true });
  shapes.push({ kind: 'text', x: 58, y: 1790, text: 'EN REPRESENTACIÓN DE:', size: 17, bold: true });
  for (let i = 0; i < 6; i++) {
    const x = i % 2 === 0 ? 47 : 434;
    const y = 1987 + Math.floor(i / 2) * 178;
    shapes.push({ kind: 'box', x, y, width: 386, height: 168, stroke: 2, radius: 18 });
    shapes.push({ kind: 'text', x: x + 193, y: y + 22, text: `FIRMA JURADO ${i + 1}:`, size: 14, anchor: 'middle' });
    shapes.push({ kind: 'text', x: x + 10, y: y + 155, text: 'C.C.', size: 16 });
    if (i < signed) shapes.push({ kind: 'signature', x: x + 20, y: y + 40, width: 340, height: 90 });
  }
  return [...HEADER_RULES, { x1: 80, y1: 631, x2: 780, y2: 631 }];
}

export interface LaidOutSheet {
  template: SheetTemplate;
  pages: DrawnPage[];
}

/** The row titles as printed (SUMA TOTAL on two lines), where a template names them on one. */
const ROW_LABELS = new Map<string, string>([
  ...NIVELACION_ROWS.map((row): [string, string] => [row.field, row.label]),
  ...CLOSING_ROWS.map((row): [string, string] => [row.field, row.label]),
]);

/** Where a template cell's printing is: its labelRect (the shipped Presidente templates carry one). */
function labelBox(cell: TemplateCell): TemplateRect {
  if (!cell.labelRect) throw new Error(`template cell ${cell.field} has no labelRect to draw from`);
  return cell.labelRect;
}

/** A label | value table drawn around template cells: rules halfway between their printed boxes. */
function drawCellTable(cells: readonly TemplateCell[], shapes: Shape[]): void {
  const boxes = cells.map(labelBox);
  const top = (boxes[0] as TemplateRect).y - 1.5;
  const last = boxes.at(-1) as TemplateRect;
  boxes.forEach((box, index) => {
    const next = boxes[index + 1];
    const cell = cells[index] as TemplateCell;
    drawRowLabel(ROW_LABELS.get(cell.field) ?? cell.label ?? '', box.y, box.height, true, shapes);
    if (next) {
      const y = (box.y + box.height + next.y) / 2;
      shapes.push({ kind: 'line', x1: LEFT, y1: y, x2: DIVIDER, y2: y, width: 2 });
    }
  });
  tableFrame(top, last.y + last.height + 1.5, shapes);
}

/** Text stretched narrower when it would not fit `width` (Arimo bold: ≈0.62 em a capital). */
function fitted(text: string, size: number, width: number, stretch: number): number {
  return Math.min(stretch, width / (text.length * size * 0.62));
}

/**
 * A candidate's rounded box around the template's label box: the printed number where the
 * template reads it, the photo (two for a second-round fórmula), the party's logo as text, the name.
 */
function candidateBox(
  cell: TemplateCell,
  number: PrintedNumber | undefined,
  candidate: Candidate | undefined,
  round: PresidentialRound,
  shapes: Shape[],
): void {
  const box = labelBox(cell);
  const top = box.y - 2;
  const height = box.height + 4;
  const ballot = cell.field.slice('votes.'.length);
  shapes.push({
    kind: 'box',
    x: LEFT,
    y: top,
    width: RIGHT - LEFT,
    height,
    stroke: 2,
    radius: Math.min(30, height * 0.12),
  });
  if (number) {
    shapes.push({
      kind: 'text',
      x: number.rect.x + number.rect.width / 2,
      y: number.rect.y + number.rect.height / 2 + 14.5,
      text: number.text,
      size: 40,
      bold: true,
      anchor: 'middle',
      stretch: number.text.length > 1 ? 0.8 : 1,
    });
  }
  const photos = round === 2 ? [175, 300] : [180];
  for (const cx of photos)
    shapes.push({ kind: 'blob', cx, cy: top + height * 0.37, rx: round === 2 ? 62 : 52, ry: height * 0.25 });
  const party = (candidate?.party ?? 'PARTIDO').toUpperCase();
  // Centred between the photos and the value column.
  const partyX = round === 2 ? 480 : 440;
  const partySize = round === 2 ? 30 : 24;
  shapes.push({
    kind: 'text',
    x: partyX,
    y: top + height * 0.4,
    text: party,
    size: partySize,
    bold: true,
    anchor: 'middle',
    stretch: fitted(party, partySize, 2 * (590 - partyX), 0.8),
  });
  const names = (candidate?.name ?? `CANDIDATO ${ballot}`).toUpperCase().split(' / ');
  names.forEach((name, i) => {
    shapes.push({
      kind: 'text',
      x: 330,
      y: top + height * (round === 2 ? 0.83 : 0.88) + i * 33,
      text: name,
      size: round === 2 ? 22 : 20,
      anchor: 'middle',
      stretch: fitted(name, round === 2 ? 22 : 20, 520, 0.85),
    });
  });
}

export type PresidentialRound = 1 | 2;

/** The shipped template of a Presidente 2026 sheet: the round's form, the consulate variant at departamento 88. */
export function presidente2026TemplateId(round: PresidentialRound, consulado: boolean): string {
  return `presidente-2026-${round}v${consulado ? '-consulado' : ''}`;
}

/** A banner's centre line in the template: a rule from x 80 to 780, the nearest above `y`. */
function bannerAbove(rules: readonly TemplateRule[], y: number): number | undefined {
  const centres = rules.filter((rule) => rule.x1 === 80 && rule.x2 === 780 && rule.y1 === rule.y2 && rule.y1 < y);
  return centres.length === 0 ? undefined : Math.max(...centres.map((rule) => rule.y1));
}

/**
 * The published Presidente 2026 forms, drawn from their shipped templates so that what is printed
 * is where the reader looks: the second round (two fórmulas on page 1, the constancias on page 2)
 * and the first (13 candidates: nivelación and 1–7 on page 1, 8–13 and the closing rows on page
 * 2, the constancias on page 3), each with the DEPARTAMENTO / MUNICIPIO header or, for consulates,
 * CONSULADO / PAÍS.
 */
export function layOutPresidente2026(
  text: SheetText,
  candidates: readonly Candidate[],
  signed: number,
  { round = 2, consulado = false }: { round?: PresidentialRound; consulado?: boolean } = {},
): LaidOutSheet {
  const template = loadShippedTemplate(presidente2026TemplateId(round, consulado));
  const pages: DrawnPage[] = [];
  for (const layout of template.pages) {
    const shapes = pageHead(template, text, layout.pageNumber, template.pageCount);
    const cells = template.cells.filter((cell) => cell.page === layout.pageNumber);
    if (cells.length === 0) {
      constanciasPage(shapes, signed);
      pages.push({ pageNumber: layout.pageNumber, shapes });
      continue;
    }
    const nivelacion = cells.filter((cell) => cell.field.startsWith('nivelacion.'));
    const votes = cells.filter((cell) => cell.field.startsWith('votes.'));
    const closing = cells.filter((cell) => !nivelacion.includes(cell) && !votes.includes(cell));
    const bannerOver = (first: TemplateCell | undefined, label: string, columns?: [string, number][]) => {
      const centre = first && bannerAbove(layout.rules, labelBox(first).y);
      if (centre !== undefined) banner(centre - BANNER_HEIGHT / 2, label, shapes, columns);
    };
    if (nivelacion.length > 0) {
      bannerOver(nivelacion[0], 'NIVELACIÓN DE LA MESA');
      drawCellTable(nivelacion, shapes);
    }
    bannerOver(votes[0], '', [
      ['CANDIDATO', 190],
      ['AGRUPACIÓN', 420],
      ['VOTACIÓN', 735],
    ]);
    for (const cell of votes) {
      const ballot = cell.field.slice('votes.'.length);
      candidateBox(
        cell,
        layout.printedNumbers.find((number) => number.text === ballot),
        candidates.find((candidate) => String(candidate.ballotNumber) === ballot),
        round,
        shapes,
      );
    }
    if (closing.length > 0) drawCellTable(closing, shapes);
    pages.push({ pageNumber: layout.pageNumber, shapes });
  }
  return { template, pages };
}

/** Blocks of a generic ballot from the submission's vote rows and the divipol candidates. */
export function ballotBlocks(
  corporation: Corporation,
  votes: readonly { ballotNumber: number; candidateNumber?: number }[],
  listTotals: readonly number[],
  candidates: readonly Candidate[],
): BallotBlock[] {
  const find = (ballotNumber: number, candidateNumber?: number) =>
    candidates.find((c) => c.ballotNumber === ballotNumber && c.candidateNumber === candidateNumber);
  if (!isListCorporation(corporation)) {
    return [
      {
        banner: 'CANDIDATOS',
        rows: votes.map((vote) => ({
          field: `votes.${vote.ballotNumber}`,
          number: String(vote.ballotNumber),
          label: (find(vote.ballotNumber)?.name ?? `CANDIDATO ${vote.ballotNumber}`).toUpperCase(),
        })),
      },
    ];
  }
  const blocks = new Map<number, BallotBlock>();
  for (const vote of votes) {
    const listEntry = candidates.find((c) => c.ballotNumber === vote.ballotNumber);
    let block = blocks.get(vote.ballotNumber);
    if (!block) {
      block = {
        banner: `${listEntry?.listCode ?? String(vote.ballotNumber).padStart(4, '0')}  ${(listEntry?.party ?? `LISTA ${vote.ballotNumber}`).toUpperCase()}`,
        rows: [],
      };
      blocks.set(vote.ballotNumber, block);
    }
    const key =
      vote.candidateNumber === undefined ? `${vote.ballotNumber}` : `${vote.ballotNumber}-${vote.candidateNumber}`;
    const label =
      vote.candidateNumber === undefined
        ? 'VOTOS POR LA AGRUPACIÓN'
        : vote.candidateNumber === 0
          ? 'SOLO POR LA AGRUPACIÓN'
          : (find(vote.ballotNumber, vote.candidateNumber)?.name ?? `CANDIDATO ${vote.candidateNumber}`).toUpperCase();
    block.rows.push({ field: `votes.${key}`, number: String(vote.candidateNumber ?? ''), label });
  }
  for (const ballot of listTotals)
    blocks.get(ballot)?.rows.push({ field: `listTotals.${ballot}`, number: '', label: 'TOTAL' });
  return [...blocks.values()];
}

const ROW_HEIGHT = 58;

/** The generic layout: as many pages as the rows need, then the constancias page. */
export function layOutGeneric(
  id: string,
  corporation: Corporation,
  blocks: readonly BallotBlock[],
  text: (pageCount: number) => SheetText,
  signed: number,
): LaidOutSheet {
  // First pass: paginate the rows (each page body from its top to BODY_BOTTOM).
  type Placed =
    | { page: number; y: number; kind: 'banner'; label: string }
    | { page: number; y: number; kind: 'row'; row: BallotRow };
  const placed: Placed[] = [];
  let page = 1;
  let y = 957;
  for (const block of blocks) {
    if (y + BANNER_HEIGHT + ROW_HEIGHT > BODY_BOTTOM) {
      page++;
      y = 612;
    }
    placed.push({ page, y, kind: 'banner', label: block.banner });
    y += BANNER_HEIGHT + 4;
    for (const row of block.rows) {
      if (y + ROW_HEIGHT > BODY_BOTTOM) {
        page++;
        y = 612;
      }
      placed.push({ page, y, kind: 'row', row });
      y += ROW_HEIGHT;
    }
    y += 18;
  }
  const closingHeight = CLOSING_ROWS.reduce((sum, row) => sum + row.height, 0);
  if (y + closingHeight > BODY_BOTTOM) {
    page++;
    y = 612;
  }
  const closingPage = page;
  const closingTop = y;
  const pageCount = closingPage + 1;
  const sheetText = text(pageCount);

  const base = loadShippedTemplate('presidente-2026-2v');
  const template: SheetTemplate = {
    ...base,
    id,
    description: `Generic ${corporation} layout drawn by the synthetic renderer (${pageCount} pages).`,
    corporation,
    pageCount,
    pages: [],
    cells: [],
  };
  const pages: DrawnPage[] = [];
  for (let number = 1; number <= pageCount; number++) {
    const shapes = pageHead(template, sheetText, number, pageCount);
    const rules: TemplateRule[] = [...HEADER_RULES];
    if (number === pageCount) {
      rules.splice(0, rules.length, ...constanciasPage(shapes, signed));
    } else {
      if (number === 1) {
        banner(612, 'NIVELACIÓN DE LA MESA', shapes);
        const table = rowTable(651, NIVELACION_ROWS, 1, shapes);
        template.cells.push(...table.cells);
        rules.push(...table.rules);
      }
      for (const item of placed.filter((p) => p.page === number)) {
        if (item.kind === 'banner') {
          shapes.push({ kind: 'box', x: 47, y: item.y, width: 774, height: BANNER_HEIGHT, fill: true, radius: 10 });
          shapes.push({ kind: 'text', x: 60, y: item.y + 27, text: item.label, size: 19, bold: true, white: true });
          rules.push({ x1: 80, y1: item.y + 19, x2: 780, y2: item.y + 19 });
          continue;
        }
        const { row } = item;
        shapes.push({ kind: 'box', x: LEFT, y: item.y, width: RIGHT - LEFT, height: ROW_HEIGHT, stroke: 2 });
        shapes.push({ kind: 'line', x1: DIVIDER, y1: item.y, x2: DIVIDER, y2: item.y + ROW_HEIGHT, width: 2 });
        if (row.number) shapes.push({ kind: 'text', x: 62, y: item.y + 37, text: row.number, size: 20, bold: true });
        shapes.push({
          kind: 'text',
          x: 120,
          y: item.y + 37,
          text: row.label.slice(0, 38),
          size: 19,
          bold: row.label === 'TOTAL',
          stretch: 0.9,
        });
        template.cells.push({
          field: row.field,
          page: number,
          rect: { x: VALUE_X, y: item.y + 4, width: VALUE_WIDTH, height: ROW_HEIGHT - 8 },
          label: row.label,
        });
        rules.push({ x1: LEFT + 4, y1: item.y + ROW_HEIGHT, x2: DIVIDER - 5, y2: item.y + ROW_HEIGHT });
      }
      if (number === closingPage) {
        const table = rowTable(closingTop, CLOSING_ROWS, number, shapes);
        template.cells.push(...table.cells);
        rules.push(...table.rules);
      }
    }
    template.pages.push({ pageNumber: number, rules, printedNumbers: [] });
    pages.push({ pageNumber: number, shapes });
  }
  return { template, pages };
}

export const REFERENCE_PAGE = PAGE;

/** Placeholder printed text: the geometry of a generic layout does not depend on it. */
const PLACEHOLDER_TEXT: SheetText = {
  copyLabel: 'DELEGADOS',
  electionLines: [],
  departamento: '00',
  departamentoName: '',
  municipio: '000',
  municipioName: '',
  zona: '00',
  puesto: '00',
  mesa: '000',
  lugar: '',
  transmissionCode: 'X 0-00-00-00 X',
  barcodeDigits: () => '700000000000000',
  kit: '000000',
  civ: '000000',
};

/** The template of the generic layout for a ballot (what the renderer draws for it). */
export function genericTemplate(id: string, corporation: Corporation, blocks: readonly BallotBlock[]): SheetTemplate {
  return layOutGeneric(id, corporation, blocks, () => PLACEHOLDER_TEXT, 6).template;
}

/**
 * Ballots of the shipped generic templates: a Concejo with a list sin voto preferente and three
 * con voto preferente (three pages of rows and the constancias page), and a Gobernador with
 * eight candidates.
 */
export const DEMO_LAYOUTS: { id: string; corporation: Corporation; blocks: BallotBlock[] }[] = [
  {
    id: 'concejo-generic-demo',
    corporation: 'CONCEJO',
    blocks: ballotBlocks(
      'CONCEJO',
      [
        { ballotNumber: 1 },
        ...[
          [2, 14],
          [3, 16],
          [4, 9],
        ].flatMap(([ballotNumber, candidates]) =>
          Array.from({ length: (candidates as number) + 1 }, (_, i) => ({
            ballotNumber: ballotNumber as number,
            candidateNumber: i === 0 ? 0 : 100 + i,
          })),
        ),
      ],
      [2, 3, 4],
      [],
    ),
  },
  {
    id: 'gobernador-generic-demo',
    corporation: 'GOBERNADOR',
    blocks: ballotBlocks(
      'GOBERNADOR',
      Array.from({ length: 8 }, (_, i) => ({ ballotNumber: i + 1 })),
      [],
      [],
    ),
  },
];
