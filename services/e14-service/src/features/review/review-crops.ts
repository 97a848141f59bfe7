import { type CropRef, parseMesaKey } from '@castor/contracts';
import { type GrayImage, reviewedCellLine } from '@castor/digit-recognizer';
import type { IntakeLimitsInput } from '@castor/e14-sheets';
import { httpError, type KeyValueStore } from '@castor/service-kit';
import sharp from 'sharp';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import { TemplateResolver } from '../../shared/sheet-templates.js';
import type { SheetThreads } from '../../shared/sheet-threads/sheet-threads.js';
import type { ReviewCropsRepository, TaskCellRecord } from './review-crops.repository.js';

/** Where a reviewed cell is: the form's sheet (for its template) and the crop reference. */
type CellSource = Pick<TaskCellRecord, 'electionCode' | 'corporation' | 'mesaKey'> & {
  path: string;
  crop: CropRef & { documentHash: string };
};

const CROP_CACHE_SECONDS = 3_600;

/**
 * Cell images cut from the stored scans: the document is read again with the layout the pipeline
 * used for its mesa (registration, then each cell sampled upright, exactly as the recognizer saw
 * it) in a file thread, so a reviewer and the training set get the very pixels behind the reading.
 * PNGs are cached in the key-value store: a reviewer opens the crops of one sheet one after the other.
 */
export class ReviewCrops {
  private readonly templates = new TemplateResolver();

  constructor(
    private readonly deps: {
      repository: Pick<ReviewCropsRepository, 'taskCell' | 'acceptedCells' | 'scanContent'>;
      catalogs: ElectionCatalogs;
      store: KeyValueStore;
      limits: IntakeLimitsInput;
      threads: Pick<SheetThreads, 'crops'>;
    },
  ) {}

  /** The PNG of a task's cell. */
  async taskCropPng(taskId: number): Promise<Buffer> {
    const row = await this.deps.repository.taskCell(taskId);
    if (!row) throw httpError('REVIEW_TASK_NOT_FOUND', `No review task ${taskId}`);
    const source = cellSourceOf(row);
    if (!source) throw unavailable(`Task ${taskId}'s field has no crop on a stored scan`);
    const { crop } = source;
    const key = `review:crop:${crop.documentHash}:${crop.page}:${crop.x}:${crop.y}:${crop.width}:${crop.height}`;
    const cached = await this.deps.store.get(key).catch(() => null);
    if (cached) return Buffer.from(cached, 'base64');
    const cell = (await this.cellsOf([source])).get(0);
    if (!cell) throw unavailable(`The scan of task ${taskId} could not be read again`);
    const png = Buffer.from(cell);
    await this.deps.store.set(key, png.toString('base64'), CROP_CACHE_SECONDS).catch(() => undefined);
    return png;
  }

  /**
   * Every closed task with a read or empty value and a crop on a stored scan, after `afterTaskId`,
   * as reviewed-sample lines of @castor/digit-recognizer (train --reviewed reads them). Tasks of
   * reviewer versions are left out: they repeat the cells of the form they were made from.
   */
  async trainingSamples(
    afterTaskId: number,
    limit: number,
  ): Promise<{ lines: string[]; skipped: number; last: number }> {
    const rows = await this.deps.repository.acceptedCells(afterTaskId, limit);
    const sources = rows.flatMap((row) => {
      const source = cellSourceOf(row);
      return source ? [{ ...source, row }] : [];
    });
    const pngs = await this.cellsOf(sources);
    const lines: string[] = [];
    for (const [position, { row }] of sources.entries()) {
      const png = pngs.get(position);
      if (!png) continue;
      const value = row.resolvedState === 'empty' ? ('empty' as const) : (row.resolvedValue ?? 0);
      lines.push(reviewedCellLine(await grayOf(png), value, { id: `task-${row.id}` }));
    }
    const last = rows.at(-1);
    return { lines, skipped: rows.length - lines.length, last: last ? last.id : afterTaskId };
  }

  /** The PNG of each cell (by position in `cells`), reading each stored scan once. */
  private async cellsOf(cells: readonly CellSource[]): Promise<Map<number, Uint8Array>> {
    const images = new Map<number, Uint8Array>();
    const byDocument = new Map<string, number[]>();
    cells.forEach((cell, position) => {
      const key = `${cell.crop.documentHash}|${cell.electionCode}|${cell.corporation}|${cell.mesaKey}`;
      byDocument.set(key, [...(byDocument.get(key) ?? []), position]);
    });
    for (const positions of byDocument.values()) {
      const first = cells[positions[0] as number] as CellSource;
      const bytes = await this.deps.repository.scanContent(first.crop.documentHash);
      const catalog = await this.deps.catalogs.get(first.electionCode);
      const template = catalog && this.templates.forMesa(catalog, first.corporation, parseMesaKey(first.mesaKey));
      if (!bytes || !template) continue;
      const read = await this.deps.threads.crops(new Uint8Array(bytes), [template], this.deps.limits).catch(() => null);
      if (!read?.ok) continue;
      for (const position of positions) {
        const cell = cells[position] as CellSource;
        const crop = read.crops.find((candidate) => candidate.field === cell.path && candidate.page === cell.crop.page);
        if (crop) images.set(position, crop.png);
      }
    }
    return images;
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
