import { type CropRef, parseMesaKey } from '@castor/contracts';
import { type GrayImage, reviewedCellLine } from '@castor/digit-recognizer';
import type { IntakeLimitsInput } from '@castor/e14-sheets';
import { httpError, type KeyValueStore } from '@castor/service-kit';
import sharp from 'sharp';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import { TemplateResolver } from '../../shared/sheet-templates.js';
import type { SheetThreads } from '../../shared/sheet-threads/sheet-threads.js';
import type { FormScanRecord, ReviewCropsRepository, TaskCellRecord } from './review-crops.repository.js';

/** Where a reviewed cell is: the form's sheet (for its template) and the crop reference. */
type CellSource = Pick<TaskCellRecord, 'electionCode' | 'corporation' | 'mesaKey'> & {
  path: string;
  crop: CropRef & { documentHash: string };
};

const CROP_CACHE_SECONDS = 3_600;
/** A page image wide enough to read a sheet's handwriting on a screen, small enough to send. */
export const PAGE_IMAGE_MAX_WIDTH = 1_200;

/** A page of a form's scan in its template's coordinates: `pageWidth` × `pageHeight` is the CropRef space. */
export interface PageImage {
  png: Buffer;
  pageWidth: number;
  pageHeight: number;
}

/** The pages of a scan by document page, or why its cells cannot be placed on them. */
type DocumentPages = Map<number, PageImage> | { unverified: string };

const pageImageKey = (documentHash: string, page: number) =>
  `form-page:${documentHash}:${page}:${PAGE_IMAGE_MAX_WIDTH}`;

/** What a reviewer sees of a task: the cell, or its row's printed label (candidate number and name). */
export type TaskImage = 'cell' | 'label';

/** An agreed review value with its cell, as continuous training learns from it. */
export interface ReviewedCell {
  taskId: number;
  image: GrayImage;
  value: number | 'empty';
}

/** A cell's images cut from its scan, or why none may be: the scan is not verified as its layout. */
type CellImages = { png: Uint8Array; labelPng?: Uint8Array } | { unverified: string[] };

/**
 * Cell images cut from the stored scans: the document is read again with the layouts the pipeline
 * chose among for its mesa (registration, then each cell sampled upright, exactly as the recognizer
 * saw it) in a file thread, so a reviewer and the training set get the very pixels behind the
 * reading, and the row's printed number and name from the same page. A scan that reading does not
 * verify as its layout (a quarantined sheet an admin released) gives no image: its boxes would show
 * another row's number under this row's name. PNGs are cached in the key-value store: a reviewer
 * opens the crops of one sheet one after the other. The same reading gives a whole page of a form
 * version (an alert's evidence), drawn in its template's coordinates so the alert's cells fall on it.
 */
export class ReviewCrops {
  private readonly templates = new TemplateResolver();
  /** The scans whose pages are being drawn, by document hash: a second request waits for the first. */
  private readonly pagesInFlight = new Map<string, Promise<DocumentPages>>();

  constructor(
    private readonly deps: {
      repository: Pick<
        ReviewCropsRepository,
        'taskCell' | 'acceptedCells' | 'rereadableTasks' | 'scanContent' | 'formScan'
      >;
      catalogs: ElectionCatalogs;
      store: KeyValueStore;
      limits: IntakeLimitsInput;
      threads: Pick<SheetThreads, 'crops' | 'pageImages'>;
    },
  ) {}

  /** The PNG of a task's cell, or of its row's printed label. */
  async taskImagePng(taskId: number, image: TaskImage): Promise<Buffer> {
    const row = await this.deps.repository.taskCell(taskId);
    if (!row) throw httpError('REVIEW_TASK_NOT_FOUND', `No review task ${taskId}`);
    const source = cellSourceOf(row);
    if (!source) throw unavailable(`Task ${taskId}'s field has no crop on a stored scan`);
    const { crop } = source;
    const keys = {
      cell: `review:crop:cell:${crop.documentHash}:${crop.page}:${crop.x}:${crop.y}:${crop.width}:${crop.height}`,
      label: `review:crop:label:${crop.documentHash}:${crop.page}:${source.path}`,
    };
    const cached = await this.deps.store.get(keys[image]).catch(() => null);
    if (cached) return Buffer.from(cached, 'base64');
    const cell = (await this.cellsOf([source])).get(0);
    if (!cell) throw unavailable(`The scan of task ${taskId} could not be read again`);
    if ('unverified' in cell) {
      throw httpError(
        'REVIEW_CROP_UNVERIFIED',
        `The scan of task ${taskId} does not show the layout of its form (${cell.unverified.join('; ') || 'not verified'}): no crop is cut from it; read the value on the scan itself`,
      );
    }
    for (const [kind, png] of [
      ['cell', cell.png],
      ['label', cell.labelPng],
    ] as const) {
      if (png)
        await this.deps.store
          .set(keys[kind], Buffer.from(png).toString('base64'), CROP_CACHE_SECONDS)
          .catch(() => undefined);
    }
    const png = image === 'cell' ? cell.png : cell.labelPng;
    if (!png) throw unavailable(`The layout of task ${taskId}'s form prints no label for ${source.path}`);
    return Buffer.from(png);
  }

  /**
   * Page `page` of the scan a form version was read from, registered to the layout it was read
   * with, at most PAGE_IMAGE_MAX_WIDTH wide. None for a form that came as data, a page the scan
   * does not have, or a scan that reading does not verify as its layout (its cells would be
   * drawn on other rows).
   */
  async formPageImage(formId: number, page: number): Promise<PageImage> {
    const form = await this.deps.repository.formScan(formId);
    if (!form) throw httpError('FORM_UNKNOWN', `No form ${formId}`);
    const { documentHash } = form;
    if (!documentHash) throw httpError('FORM_PAGE_UNKNOWN', `Form ${formId} came as data: it has no scan`);
    const cached = await this.deps.store.get(pageImageKey(documentHash, page)).catch(() => null);
    if (cached) {
      const { png, pageWidth, pageHeight } = JSON.parse(cached) as {
        png: string;
        pageWidth: number;
        pageHeight: number;
      };
      return { png: Buffer.from(png, 'base64'), pageWidth, pageHeight };
    }
    const pages = await this.documentPages(form, documentHash);
    if ('unverified' in pages) {
      throw httpError(
        'FORM_PAGE_UNVERIFIED',
        `The scan of form ${formId} cannot be shown with its cells: ${pages.unverified}`,
      );
    }
    const image = pages.get(page);
    if (!image) throw httpError('FORM_PAGE_UNKNOWN', `The scan of form ${formId} has no page ${page}`);
    return image;
  }

  /**
   * Every page of a stored scan drawn once (the pages of a sheet are asked for together, and each
   * costs a reading of the whole document), then kept in the key-value store page by page.
   */
  private documentPages(form: FormScanRecord, documentHash: string): Promise<DocumentPages> {
    let pending = this.pagesInFlight.get(documentHash);
    if (!pending) {
      pending = this.drawPages(form, documentHash).finally(() => this.pagesInFlight.delete(documentHash));
      this.pagesInFlight.set(documentHash, pending);
    }
    return pending;
  }

  private async drawPages(form: FormScanRecord, documentHash: string): Promise<DocumentPages> {
    const bytes = await this.deps.repository.scanContent(documentHash);
    if (!bytes) throw httpError('FORM_PAGE_UNKNOWN', `The scan ${documentHash} is not stored`);
    const templates = await this.templatesOf(form);
    if (!templates) return { unverified: 'no layout is known for its mesa' };
    const read = await this.deps.threads
      .pageImages({ bytes: new Uint8Array(bytes), templates, limits: this.deps.limits, maxWidth: PAGE_IMAGE_MAX_WIDTH })
      .catch((error: Error) => ({ ok: false as const, error: { code: 'READ_FAILED', message: error.message } }));
    if (!read.ok) return { unverified: `it could not be read again (${read.error.code})` };
    if (!read.templateVerified) return { unverified: read.layoutProblems.join('; ') || 'its layout is not verified' };
    const pages = new Map<number, PageImage>();
    for (const { page, png, pageWidth, pageHeight } of read.images) {
      const image = { png: Buffer.from(png), pageWidth, pageHeight };
      pages.set(page, image);
      await this.deps.store
        .set(
          pageImageKey(documentHash, page),
          JSON.stringify({ ...image, png: image.png.toString('base64') }),
          CROP_CACHE_SECONDS,
        )
        .catch(() => undefined);
    }
    return pages;
  }

  /**
   * Whether a task's row has a printed label to cut (its mesa's layouts place one): the review task
   * gives the label's URL only then.
   */
  async hasPrintedLabel(row: Pick<TaskCellRecord, 'electionCode' | 'corporation' | 'mesaKey' | 'fieldPath'>) {
    const templates = await this.templatesOf(row);
    return (templates ?? []).some((template) =>
      template.cells.some((cell) => cell.field === row.fieldPath && cell.labelRect !== undefined),
    );
  }

  /**
   * Every task closed by people with a read or empty value and a crop on a verified stored scan,
   * after `afterTaskId`, with its cell as the recognizer saw it: the labels continuous training
   * learns from. Tasks of reviewer versions are left out: they repeat the cells of the form they
   * were made from. `last` is the last task looked at (the next call's `afterTaskId`).
   */
  async reviewedCells(
    afterTaskId: number,
    limit: number,
  ): Promise<{ cells: ReviewedCell[]; skipped: number; last: number }> {
    const rows = await this.deps.repository.acceptedCells(afterTaskId, limit);
    const cells = await this.grayCellsOf(rows);
    const last = rows.at(-1);
    return {
      cells: cells.map(({ row, image }) => ({
        taskId: row.id,
        image,
        value: row.resolvedState === 'empty' ? ('empty' as const) : (row.resolvedValue ?? 0),
      })),
      skipped: rows.length - cells.length,
      last: last ? last.id : afterTaskId,
    };
  }

  /** The cells of tasks a promoted model may close by reading them again (see `rereadableTasks`). */
  async rereadableCells(limit: number): Promise<{ taskId: number; formId: number; image: GrayImage }[]> {
    const cells = await this.grayCellsOf(await this.deps.repository.rereadableTasks(limit));
    return cells.map(({ row, image }) => ({ taskId: row.id, formId: row.formId, image }));
  }

  /** The same cells as reviewed-sample lines of @castor/digit-recognizer (train --reviewed reads them). */
  async trainingSamples(
    afterTaskId: number,
    limit: number,
  ): Promise<{ lines: string[]; skipped: number; last: number }> {
    const { cells, skipped, last } = await this.reviewedCells(afterTaskId, limit);
    const lines = cells.map((cell) => reviewedCellLine(cell.image, cell.value, { id: `task-${cell.taskId}` }));
    return { lines, skipped, last };
  }

  /** The gray pixels of each task's cell cut from a verified stored scan; tasks without one are left out. */
  private async grayCellsOf(rows: readonly TaskCellRecord[]): Promise<{ row: TaskCellRecord; image: GrayImage }[]> {
    const sources = rows.flatMap((row) => {
      const source = cellSourceOf(row);
      return source ? [{ ...source, row }] : [];
    });
    const images = await this.cellsOf(sources);
    const cells: { row: TaskCellRecord; image: GrayImage }[] = [];
    for (const [position, { row }] of sources.entries()) {
      const cell = images.get(position);
      if (cell && !('unverified' in cell)) cells.push({ row, image: await grayOf(cell.png) });
    }
    return cells;
  }

  /** The images of each cell (by position in `cells`), reading each stored scan once. */
  private async cellsOf(cells: readonly CellSource[]): Promise<Map<number, CellImages>> {
    const images = new Map<number, CellImages>();
    const byDocument = new Map<string, number[]>();
    cells.forEach((cell, position) => {
      const key = `${cell.crop.documentHash}|${cell.electionCode}|${cell.corporation}|${cell.mesaKey}`;
      byDocument.set(key, [...(byDocument.get(key) ?? []), position]);
    });
    for (const positions of byDocument.values()) {
      const first = cells[positions[0] as number] as CellSource;
      const bytes = await this.deps.repository.scanContent(first.crop.documentHash);
      const templates = await this.templatesOf(first);
      if (!bytes || !templates) continue;
      const read = await this.deps.threads.crops(new Uint8Array(bytes), templates, this.deps.limits).catch(() => null);
      if (!read?.ok) continue;
      for (const position of positions) {
        if (!read.templateVerified) {
          images.set(position, { unverified: read.layoutProblems });
          continue;
        }
        const cell = cells[position] as CellSource;
        const crop = read.crops.find((candidate) => candidate.field === cell.path && candidate.page === cell.crop.page);
        if (crop) images.set(position, { png: crop.png, ...(crop.labelPng ? { labelPng: crop.labelPng } : {}) });
      }
    }
    return images;
  }

  /** The layouts the pipeline chose among for a mesa's form of a corporation; undefined when none is known. */
  private async templatesOf(form: Pick<TaskCellRecord, 'electionCode' | 'corporation' | 'mesaKey'>) {
    const catalog = await this.deps.catalogs.get(form.electionCode);
    return catalog ? this.templates.forMesa(catalog, form.corporation, parseMesaKey(form.mesaKey)) : undefined;
  }
}

/** 8-bit gray pixels of a cell PNG (0 = ink, 255 = paper), as the recognizer reads them. */
async function grayOf(png: Uint8Array): Promise<GrayImage> {
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** The cell of a task whose crop is on a stored scan; null when it has none. */
function cellSourceOf(row: TaskCellRecord): CellSource | null {
  const { crop } = row;
  if (!crop?.documentHash) return null;
  return {
    electionCode: row.electionCode,
    corporation: row.corporation,
    mesaKey: row.mesaKey,
    path: row.fieldPath,
    crop: { ...crop, documentHash: crop.documentHash },
  };
}

const unavailable = (message: string) => httpError('REVIEW_CROP_UNAVAILABLE', message);
