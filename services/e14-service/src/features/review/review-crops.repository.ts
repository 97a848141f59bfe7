import type { Corporation, CropRef, MesaKey } from '@castor/contracts';
import { and, eq, gt, inArray, isNotNull, ne, notExists, sql } from 'drizzle-orm';
import type pg from 'pg';
import { createDb, type E14Db } from '../../db/client.js';
import {
  e14DocumentFiles,
  e14Fields,
  e14Forms,
  elections,
  mesas,
  reviewEntries,
  reviewTasks,
} from '../../db/schema/index.js';
import type { ReviewTaskRecord } from './review.repository.js';

/** A task with the cell its value is read from (the source of a crop, and of a training sample once closed). */
export type TaskCellRecord = Pick<
  ReviewTaskRecord,
  'id' | 'formId' | 'fieldPath' | 'resolvedState' | 'resolvedValue'
> & {
  electionCode: (typeof elections.$inferSelect)['code'];
  mesaKey: MesaKey;
  corporation: Corporation;
  crop: CropRef | null;
};

const taskCellColumns = {
  id: reviewTasks.id,
  formId: reviewTasks.formId,
  fieldPath: reviewTasks.fieldPath,
  resolvedState: reviewTasks.resolvedState,
  resolvedValue: reviewTasks.resolvedValue,
  electionCode: elections.code,
  mesaKey: mesas.mesaKey,
  corporation: e14Forms.corporation,
  crop: e14Fields.crop,
};

/** A stored form version and the scan it was read from (null: it came as data, not as a scan). */
export interface FormScanRecord {
  electionCode: (typeof elections.$inferSelect)['code'];
  mesaKey: MesaKey;
  corporation: Corporation;
  documentHash: string | null;
}

/** The statements behind crops, page images and training samples: tasks' cells, forms and the stored scans. */
export class ReviewCropsRepository {
  private readonly db: E14Db;

  constructor(pool: pg.Pool) {
    this.db = createDb(pool);
  }

  /** The cell of one task, whatever its status. */
  async taskCell(taskId: number): Promise<TaskCellRecord | null> {
    const [row] = await this.taskCells().where(eq(reviewTasks.id, taskId));
    return (row as TaskCellRecord | undefined) ?? null;
  }

  /**
   * Tasks closed by people after `afterTaskId` with a read or empty value, oldest first. Tasks of
   * reviewer versions are left out: they repeat the cells of the form they were made from.
   */
  async acceptedCells(afterTaskId: number, limit: number): Promise<TaskCellRecord[]> {
    const rows = await this.taskCells()
      .where(
        and(
          eq(reviewTasks.status, 'done'),
          // Agreed by people: a task a model closed by re-reading it is its own reading, not a label.
          inArray(reviewTasks.resolution, ['consensus', 'admin']),
          inArray(reviewTasks.resolvedState, ['read', 'empty']),
          ne(e14Forms.source, 'reviewer'),
          gt(reviewTasks.id, afterTaskId),
        ),
      )
      .orderBy(reviewTasks.id)
      .limit(limit);
    return rows as TaskCellRecord[];
  }

  /**
   * Tasks a better model may close by reading their cell again: waiting for their first entry,
   * sent to review only for the reading's doubt (illegible or low confidence: never an
   * over-writing), read by the local recognizer from a stored scan. Oldest first.
   */
  async rereadableTasks(limit: number): Promise<TaskCellRecord[]> {
    const rows = await this.taskCells()
      .where(
        and(
          eq(reviewTasks.status, 'pending'),
          inArray(reviewTasks.reason, ['illegible', 'low_confidence']),
          ne(e14Forms.source, 'reviewer'),
          isNotNull(e14Fields.modelVersion),
          notExists(
            this.db.select({ one: sql`1` }).from(reviewEntries).where(eq(reviewEntries.taskId, reviewTasks.id)),
          ),
        ),
      )
      .orderBy(reviewTasks.id)
      .limit(limit);
    return rows as TaskCellRecord[];
  }

  /** The mesa, corporation and scan of one form version. */
  async formScan(formId: number): Promise<FormScanRecord | null> {
    const [row] = await this.db
      .select({
        electionCode: elections.code,
        mesaKey: mesas.mesaKey,
        corporation: e14Forms.corporation,
        documentHash: e14Forms.documentHash,
      })
      .from(e14Forms)
      .innerJoin(elections, eq(elections.id, e14Forms.electionId))
      .innerJoin(mesas, eq(mesas.id, e14Forms.mesaId))
      .where(eq(e14Forms.id, formId));
    return (row as FormScanRecord | undefined) ?? null;
  }

  /** The bytes of a stored scan. */
  async scanContent(sha256: string): Promise<Buffer | undefined> {
    const [row] = await this.db
      .select({ content: e14DocumentFiles.content })
      .from(e14DocumentFiles)
      .where(eq(e14DocumentFiles.sha256, sha256));
    return row?.content;
  }

  private taskCells() {
    return this.db
      .select(taskCellColumns)
      .from(reviewTasks)
      .innerJoin(e14Forms, eq(e14Forms.id, reviewTasks.formId))
      .innerJoin(elections, eq(elections.id, e14Forms.electionId))
      .innerJoin(mesas, eq(mesas.id, e14Forms.mesaId))
      .leftJoin(e14Fields, and(eq(e14Fields.formId, reviewTasks.formId), eq(e14Fields.path, reviewTasks.fieldPath)))
      .$dynamic();
  }
}
