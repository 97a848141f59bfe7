import { type Corporation, type CropRef, type MesaKey, parseMesaKey } from '@castor/contracts';
import { type GrayImage, reviewedCellLine } from '@castor/digit-recognizer';
import { type IntakeLimitsInput, readSheet } from '@castor/e14-sheets';
import { AppError, type KeyValueStore } from '@castor/service-kit';
import type pg from 'pg';
import sharp from 'sharp';
import type { ElectionCatalogs } from '../../shared/election-catalog.js';
import { TemplateResolver } from '../../shared/sheet-templates.js';
import { REVIEW_CODES } from './review-leases.js';

/** Where a reviewed cell is: the form's sheet (for its template) and the crop reference. */
interface CellSource {
  electionCode: string;
  corporation: Corporation;
  mesaKey: MesaKey;
  path: string;
  crop: CropRef & { documentHash: string };
}

const CROP_CACHE_SECONDS = 3_600;

/**
 * Cell images cut from the stored scans: the document is read again with the layout the pipeline
 * used for its mesa (registration, then each cell sampled upright, exactly as the recognizer saw
 * it), so a reviewer and the training set get the very pixels behind the reading. PNGs are cached
 * in the key-value store: a reviewer opens the crops of one sheet one after the other.
 */
export class ReviewCrops {
  private readonly templates = new TemplateResolver();

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      catalogs: ElectionCatalogs;
      store: KeyValueStore;
      limits: IntakeLimitsInput;
    },
  ) {}

  /** The PNG of a task's cell. */
  async taskCropPng(taskId: number): Promise<Buffer> {
    const rows = await this.deps.pool.query<{
      election_code: string;
      corporation: Corporation;
      mesa_key: MesaKey;
      field_path: string;
      crop: CropRef | null;
    }>(
      `SELECT el.code AS election_code, f.corporation, m.mesa_key, t.field_path, fl.crop
       FROM review_tasks t JOIN e14_forms f ON f.id = t.form_id JOIN elections el ON el.id = f.election_id
       JOIN mesas m ON m.id = f.mesa_id
       LEFT JOIN e14_fields fl ON fl.form_id = t.form_id AND fl.path = t.field_path
       WHERE t.id = $1`,
      [taskId],
    );
    const row = rows.rows[0];
    if (!row) throw new AppError(404, REVIEW_CODES.TASK_NOT_FOUND, `No review task ${taskId}`);
    const { crop } = row;
    if (!crop?.documentHash) throw unavailable(`Task ${taskId}'s field has no crop on a stored scan`);
    const key = `review:crop:${crop.documentHash}:${crop.page}:${crop.x}:${crop.y}:${crop.width}:${crop.height}`;
    const cached = await this.deps.store.get(key).catch(() => null);
    if (cached) return Buffer.from(cached, 'base64');
    const cells = await this.cellsOf([
      {
        electionCode: row.election_code,
        corporation: row.corporation,
        mesaKey: row.mesa_key,
        path: row.field_path,
        crop: { ...crop, documentHash: crop.documentHash },
      },
    ]);
    const cell = cells.get(0);
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
    const rows = await this.deps.pool.query<{
      id: string;
      field_path: string;
      resolved_state: 'read' | 'empty';
      resolved_value: number | null;
      crop: CropRef | null;
      election_code: string;
      corporation: Corporation;
      mesa_key: MesaKey;
    }>(
      `SELECT t.id, t.field_path, t.resolved_state, t.resolved_value, fl.crop, el.code AS election_code,
              f.corporation, m.mesa_key
       FROM review_tasks t JOIN e14_forms f ON f.id = t.form_id JOIN elections el ON el.id = f.election_id
       JOIN mesas m ON m.id = f.mesa_id
       LEFT JOIN e14_fields fl ON fl.form_id = t.form_id AND fl.path = t.field_path
       WHERE t.status = 'done' AND t.resolved_state IN ('read', 'empty') AND f.source <> 'reviewer' AND t.id > $1
       ORDER BY t.id LIMIT $2`,
      [afterTaskId, limit],
    );
    const sources = rows.rows.flatMap((row, index) =>
      row.crop?.documentHash
        ? [
            {
              index,
              electionCode: row.election_code,
              corporation: row.corporation,
              mesaKey: row.mesa_key,
              path: row.field_path,
              crop: { ...row.crop, documentHash: row.crop.documentHash },
            },
          ]
        : [],
    );
    const pngs = await this.cellsOf(sources);
    const lines: string[] = [];
    for (const [position, source] of sources.entries()) {
      const png = pngs.get(position);
      const row = rows.rows[source.index];
      if (!png || !row) continue;
      const value = row.resolved_state === 'empty' ? ('empty' as const) : (row.resolved_value ?? 0);
      lines.push(reviewedCellLine(await grayOf(png), value, { id: `task-${row.id}` }));
    }
    const last = rows.rows.at(-1);
    return { lines, skipped: rows.rows.length - lines.length, last: last ? Number(last.id) : afterTaskId };
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
      const file = await this.deps.pool.query<{ content: Buffer }>(
        'SELECT content FROM e14_document_files WHERE sha256 = $1',
        [first.crop.documentHash],
      );
      const bytes = file.rows[0]?.content;
      const catalog = await this.deps.catalogs.get(first.electionCode);
      const template = catalog && this.templates.forMesa(catalog, first.corporation, parseMesaKey(first.mesaKey));
      if (!bytes || !template) continue;
      const reading = await readSheet(new Uint8Array(bytes), {
        templates: [template],
        limits: this.deps.limits,
        readQr: false,
        cropImages: true,
      }).catch(() => null);
      if (!reading) continue;
      for (const position of positions) {
        const cell = cells[position] as CellSource;
        const field = reading.fields.find(
          (candidate) => candidate.field === cell.path && candidate.crop.page === cell.crop.page && candidate.cropPng,
        );
        if (field?.cropPng) images.set(position, field.cropPng);
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

const unavailable = (message: string) => new AppError(404, REVIEW_CODES.CROP_UNAVAILABLE, message);
