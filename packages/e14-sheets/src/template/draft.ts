import { SheetError } from '../errors.js';
import { inspectDocument } from '../intake/inspect.js';
import { extractPages } from '../intake/page-raster.js';
import { applyHomography, homographyFromPoints, type Point } from '../raster/geometry.js';
import { type GrayImage, warpRegion } from '../raster/raster.js';
import { findFiducials } from '../registration/fiducials.js';
import { loadShippedTemplate } from './load.js';
import type { SheetTemplate, TemplateRect, TemplateRule } from './schema.js';

/**
 * Drafts a template from a sample sheet: finds the corner squares, straightens each page onto a
 * frame spanned by them, detects the printed rules, and proposes a value cell for every row of
 * a table whose right column is split off by a vertical rule (the three-box value column). A
 * person then names each cell's field (they come out as `?`, which the schema refuses until
 * named) and checks the header regions, which are carried over from the Presidente 2026 form.
 */

export interface DraftOptions {
  id: string;
  corporation: SheetTemplate['corporation'];
  description?: string;
}

export interface DraftCell {
  field: string;
  page: number;
  rect: TemplateRect;
}

export type TemplateDraft = Omit<SheetTemplate, 'cells'> & { cells: DraftCell[] };

interface Run {
  at: number;
  from: number;
  to: number;
}

/**
 * Maximal ink runs of at least `minLength` along rows (horizontal) or columns (vertical); gaps of
 * up to seven paper pixels (a 1-bit scan breaks thin rules) do not end a run.
 */
function runs(image: GrayImage, horizontal: boolean, minLength: number): Run[] {
  const found: Run[] = [];
  const outer = horizontal ? image.height : image.width;
  const inner = horizontal ? image.width : image.height;
  for (let a = 0; a < outer; a++) {
    let start = -1;
    let lastInk = -10;
    for (let b = 0; b <= inner; b++) {
      const ink = b < inner && (image.data[horizontal ? a * image.width + b : b * image.width + a] as number) < 128;
      if (ink) {
        if (start < 0 || b - lastInk > 8) {
          if (start >= 0 && lastInk - start + 1 >= minLength) found.push({ at: a, from: start, to: lastInk });
          start = b;
        }
        lastInk = b;
      }
    }
    if (start >= 0 && lastInk - start + 1 >= minLength) found.push({ at: a, from: start, to: lastInk });
  }
  return found;
}

/** Merges runs on adjacent lines that overlap (one printed rule is 2–3 pixels thick). */
function mergeRuns(found: Run[]): Run[] {
  const merged: (Run & { last: number; count: number; sum: number })[] = [];
  for (const run of found.sort((a, b) => a.at - b.at || a.from - b.from)) {
    const match = merged.find(
      (m) =>
        run.at - m.last <= 1 &&
        Math.min(m.to, run.to) - Math.max(m.from, run.from) > 0.7 * Math.max(m.to - m.from, run.to - run.from),
    );
    if (match) {
      match.last = run.at;
      match.from = Math.min(match.from, run.from);
      match.to = Math.max(match.to, run.to);
      match.sum += run.at;
      match.count++;
    } else merged.push({ ...run, last: run.at, count: 1, sum: run.at });
  }
  // Solid blocks (banners, photos) are many lines thick: only thin rules are rules.
  return merged.filter((m) => m.count <= 5).map((m) => ({ at: m.sum / m.count + 0.5, from: m.from, to: m.to }));
}

/** Joins collinear pieces of one rule that the scan broke (same position, gaps up to 12 px). */
function joinCollinear(found: Run[]): Run[] {
  const joined: Run[] = [];
  for (const run of [...found].sort((a, b) => a.at - b.at || a.from - b.from)) {
    const previous = joined.find((j) => Math.abs(j.at - run.at) <= 2 && run.from - j.to <= 12 && run.from >= j.from);
    if (previous) previous.to = Math.max(previous.to, run.to);
    else joined.push({ ...run });
  }
  return joined;
}

/** Share of ink on one row left of `x` (a black banner is not a table row). */
function inkShare(image: GrayImage, y: number, x: number): number {
  let ink = 0;
  const end = Math.min(image.width, Math.round(x));
  for (let i = 0; i < end; i++) if ((image.data[y * image.width + i] as number) < 128) ink++;
  return end === 0 ? 0 : ink / end;
}

export async function draftTemplate(bytes: Uint8Array, options: DraftOptions): Promise<TemplateDraft> {
  const inspected = await inspectDocument(bytes);
  const pages = await extractPages(bytes, inspected);
  const first = pages[0];
  if (!first) throw new SheetError('PDF_BROKEN', 'The sample has no pages.');
  const fiducials = findFiducials(first.raster);
  const at = (corner: string): Point => {
    const found = fiducials.find((f) => f.corner === corner);
    if (!found) throw new SheetError('PAGE_NOT_REGISTERED', `The ${corner} corner square was not found on page 1.`);
    return found.center;
  };
  const topLeft = at('topLeft');
  const width = Math.hypot(at('topRight').x - topLeft.x, at('topRight').y - topLeft.y);
  const height = Math.hypot(at('bottomLeft').x - topLeft.x, at('bottomLeft').y - topLeft.y);
  const frame = {
    topLeft: { x: Math.round(topLeft.x), y: Math.round(topLeft.y) },
    topRight: { x: Math.round(topLeft.x + width), y: Math.round(topLeft.y) },
    bottomRight: { x: Math.round(topLeft.x + width), y: Math.round(topLeft.y + height) },
    bottomLeft: { x: Math.round(topLeft.x), y: Math.round(topLeft.y + height) },
  };
  const side = Math.round(fiducials.reduce((sum, f) => sum + f.side, 0) / fiducials.length);
  const page = { width: first.raster.width, height: first.raster.height };
  const corners = [frame.topLeft, frame.topRight, frame.bottomRight, frame.bottomLeft];

  const reference = loadShippedTemplate('presidente-2026-2v');
  const referenceCorners = [
    reference.fiducials.topLeft,
    reference.fiducials.topRight,
    reference.fiducials.bottomRight,
    reference.fiducials.bottomLeft,
  ];
  const fromReference = homographyFromPoints(referenceCorners, corners);
  if (!fromReference) throw new SheetError('PAGE_NOT_REGISTERED', 'The corner squares are degenerate.');
  const carry = (rect: TemplateRect): TemplateRect => {
    const a = applyHomography(fromReference, rect.x, rect.y);
    const b = applyHomography(fromReference, rect.x + rect.width, rect.y + rect.height);
    return { x: Math.round(a.x), y: Math.round(a.y), width: Math.round(b.x - a.x), height: Math.round(b.y - a.y) };
  };
  const regions = Object.fromEntries(
    Object.entries(reference.regions).map(([key, rect]) => [key, carry(rect)]),
  ) as SheetTemplate['regions'];

  const draftPages: SheetTemplate['pages'] = [];
  const cells: DraftCell[] = [];
  for (const extracted of pages) {
    const found = findFiducials(extracted.raster);
    if (found.length < 4)
      throw new SheetError('PAGE_NOT_REGISTERED', `Page ${extracted.pageNumber}: corner squares missing.`);
    const byCorner = (corner: string) => (found.find((f) => f.corner === corner) as (typeof found)[number]).center;
    const toImage = homographyFromPoints(corners, [
      byCorner('topLeft'),
      byCorner('topRight'),
      byCorner('bottomRight'),
      byCorner('bottomLeft'),
    ]);
    if (!toImage)
      throw new SheetError('PAGE_NOT_REGISTERED', `Page ${extracted.pageNumber}: degenerate corner squares.`);
    const upright = warpRegion(extracted.raster, toImage, { x: 0, y: 0, width: page.width, height: page.height });
    const horizontal = mergeRuns(runs(upright, true, page.width * 0.25));
    const vertical = joinCollinear(mergeRuns(runs(upright, false, 40)));
    const rules: TemplateRule[] = [
      ...horizontal.map((r) => ({ x1: r.from + 4, y1: r.at, x2: r.to - 4, y2: r.at })),
      ...vertical.filter((r) => r.to - r.from > 60).map((r) => ({ x1: r.at, y1: r.from + 4, x2: r.at, y2: r.to - 4 })),
    ]
      .sort((a, b) => Math.hypot(b.x2 - b.x1, b.y2 - b.y1) - Math.hypot(a.x2 - a.x1, a.y2 - a.y1))
      .slice(0, 40);
    draftPages.push({ pageNumber: extracted.pageNumber, rules, printedNumbers: [] });
    // A value column: a vertical rule right of the middle; each band between horizontal rules that
    // crosses it is a row, and its part right of the rule is the value cell.
    const dividers = vertical
      .filter((v) => v.at > page.width * 0.55 && v.at < page.width * 0.85 && v.to - v.from >= 120)
      .sort((a, b) => b.to - b.from - (a.to - a.from));
    const used: Run[] = [];
    for (const divider of dividers) {
      if (
        used.some((u) => Math.abs(u.at - divider.at) < 8 && Math.min(u.to, divider.to) > Math.max(u.from, divider.from))
      )
        continue;
      used.push(divider);
      const borders = vertical.filter(
        (v) =>
          v.at > divider.at + 50 &&
          Math.min(v.to, divider.to) - Math.max(v.from, divider.from) > 0.6 * (divider.to - divider.from),
      );
      const rightEdge = borders.length > 0 ? Math.min(...borders.map((v) => v.at)) : page.width * 0.95;
      const lines = horizontal
        .filter((h) => h.from < divider.at - 20 && h.at >= divider.from - 6 && h.at <= divider.to + 6)
        .map((h) => h.at)
        .sort((a, b) => a - b);
      const bounds = [divider.from, ...lines.filter((y) => y > divider.from + 10 && y < divider.to - 10), divider.to];
      for (let i = 0; i + 1 < bounds.length; i++) {
        const top = bounds[i] as number;
        const bottom = bounds[i + 1] as number;
        if (bottom - top < 30 || inkShare(upright, Math.round((top + bottom) / 2), divider.at) > 0.5) continue;
        cells.push({
          field: '?',
          page: extracted.pageNumber,
          rect: {
            x: Math.round(divider.at + 4),
            y: Math.round(top + 3),
            width: Math.round(rightEdge - divider.at - 7),
            height: Math.round(bottom - top - 6),
          },
        });
      }
    }
  }
  return {
    format: 'castor-e14-template/1',
    id: options.id,
    description:
      options.description ??
      `Drafted from a sample sheet (${pages.length} pages): name every cell's field, check the regions.`,
    corporation: options.corporation,
    header: 'departamento',
    handwriting: 'dots',
    pageCount: pages.length,
    page,
    fiducials: { side, ...frame },
    regions,
    pages: draftPages,
    cells,
  };
}
