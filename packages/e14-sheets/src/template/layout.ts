import { type Candidate, type Corporation, isListCorporation } from '@castor/contracts';
import { loadShippedTemplate } from './load.js';
import type { SheetTemplate, TemplateCell, TemplateRule } from './schema.js';

/**
 * What is printed on each page of a synthetic E-14, in template coordinates, and the template
 * that reads it back. The Presidente 2026 layout reproduces the published form (its template is
 * the one measured on the real scans); every other ballot gets the generic layout below: list
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
  code(regions.departamento, text.departamento, `- ${text.departamentoName}`, 408, 'DEPARTAMENTO:', 65);
  code(regions.municipio, text.municipio, `- ${text.municipioName}`, 443, 'MUNICIPIO:', 65);
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
  shapes.push({ kind: 'box', x: 47, y, width: 774, height: 39, fill: true, radius: 12 });
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
    const lines = row.label.split('\n');
    lines.forEach((line, i) => {
      shapes.push({
        kind: 'text',
        x: 323,
        y: y + row.height / 2 + 7 - (lines.length - 1) * 11 + i * 22,
        text: line,
        size: 19,
        bold: row.bold ?? true,
        anchor: 'middle',
      });
    });
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
  shapes.push({ kind: 'box', x: LEFT, y: top, width: RIGHT - LEFT, height: y - top, stroke: 2 });
  shapes.push({ kind: 'line', x1: DIVIDER, y1: top, x2: DIVIDER, y2: y, width: 2 });
  rules.push({ x1: LEFT + 4, y1: y, x2: RIGHT - 5, y2: y }, { x1: DIVIDER, y1: top + 4, x2: DIVIDER, y2: y - 4 });
  return { cells, rules, bottom: y };
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

/** The published Presidente 2026 second-round form (two fórmulas). */
export function layOutPresidente2026(text: SheetText, candidates: readonly Candidate[], signed: number): LaidOutSheet {
  const template = loadShippedTemplate('presidente-2026-2v');
  const first = pageHead(template, text, 1, 2);
  banner(612, 'NIVELACIÓN DE LA MESA', first);
  rowTable(651, NIVELACION_ROWS, 1, first);
  banner(957, '', first, [
    ['CANDIDATO', 190],
    ['AGRUPACIÓN', 420],
    ['VOTACIÓN', 735],
  ]);
  for (const [index, top] of [1017, 1419].entries()) {
    const candidate = candidates.find((c) => c.ballotNumber === index + 1);
    first.push({ kind: 'box', x: LEFT, y: top, width: RIGHT - LEFT, height: 379, stroke: 2, radius: 30 });
    first.push({ kind: 'text', x: 58, y: top + 233, text: String(index + 1), size: 40, bold: true });
    first.push(
      { kind: 'blob', cx: 175, cy: top + 140, rx: 62, ry: 95 },
      { kind: 'blob', cx: 300, cy: top + 140, rx: 62, ry: 95 },
    );
    first.push({
      kind: 'text',
      x: 470,
      y: top + 150,
      text: (candidate?.party ?? 'PARTIDO').slice(0, 14).toUpperCase(),
      size: 30,
      bold: true,
      anchor: 'middle',
      stretch: 0.8,
    });
    const names = (candidate?.name ?? `CANDIDATO ${index + 1}`).toUpperCase().split(' / ');
    names.forEach((name, i) => {
      first.push({
        kind: 'text',
        x: 330,
        y: top + 313 + i * 33,
        text: name,
        size: 22,
        anchor: 'middle',
        stretch: 0.85,
      });
    });
  }
  rowTable(1853, CLOSING_ROWS, 1, first);
  const second = pageHead(template, text, 2, 2);
  constanciasPage(second, signed);
  return {
    template,
    pages: [
      { pageNumber: 1, shapes: first },
      { pageNumber: 2, shapes: second },
    ],
  };
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
const BANNER_HEIGHT = 39;

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
    template.pages.push({ pageNumber: number, rules });
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
