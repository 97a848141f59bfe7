import type pg from 'pg';
import { withTransaction } from '../db/client.js';
import type { witnessAssignments } from '../db/schema/index.js';
import { appendAudit } from './audit-chain.js';

type AssignmentRow = typeof witnessAssignments.$inferSelect;
type Territory = AssignmentRow['territory'];

/** A mesa key is covered by an assignment to itself or to any territory above it. */
export function isAssigned(territories: readonly string[], mesaKey: string): boolean {
  return territories.some((territory) => mesaKey === territory || mesaKey.startsWith(`${territory}-`));
}

/** Which mesas each witness may submit for, per election. */
export class WitnessAssignments {
  constructor(private readonly pool: pg.Pool) {}

  /** The territories assigned to a witness, by election id. */
  async territoriesOf(userId: string): Promise<Map<AssignmentRow['electionId'], Territory[]>> {
    const rows = await this.pool.query<{ election_id: AssignmentRow['electionId']; territory: Territory }>({
      name: 'witness-territories',
      text: 'SELECT election_id, territory FROM witness_assignments WHERE user_id = $1',
      values: [userId],
    });
    const byElection = new Map<AssignmentRow['electionId'], Territory[]>();
    for (const row of rows.rows)
      byElection.set(row.election_id, [...(byElection.get(row.election_id) ?? []), row.territory]);
    return byElection;
  }

  /** Replaces a witness's assignments in one election; audited with before and after. */
  async replace(
    electionId: number,
    electionCode: string,
    userId: string,
    territories: readonly string[],
    actor: string,
  ): Promise<Territory[]> {
    const unique = [...new Set(territories)].sort();
    return withTransaction(this.pool, async (client) => {
      // Concurrent replaces of one witness's set take turns: otherwise two that both start from an
      // empty set insert the same rows, and the second fails on the primary key.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`witness:${electionId}:${userId}`]);
      const before = await client.query<Pick<AssignmentRow, 'territory'>>(
        'DELETE FROM witness_assignments WHERE user_id = $1 AND election_id = $2 RETURNING territory',
        [userId, electionId],
      );
      await client.query(
        `INSERT INTO witness_assignments (user_id, election_id, territory, assigned_by) SELECT $1, $2, unnest($3::text[]), $4`,
        [userId, electionId, unique, actor],
      );
      await appendAudit(client, [
        {
          actor,
          action: 'witness.assignments_replaced',
          entity: 'witness',
          entityId: `${userId}/${electionCode}`,
          before: before.rows.map((row) => row.territory).sort(),
          after: unique,
        },
      ]);
      return unique;
    });
  }

  async list(electionId: number, userId: string): Promise<Territory[]> {
    const rows = await this.pool.query<Pick<AssignmentRow, 'territory'>>(
      'SELECT territory FROM witness_assignments WHERE user_id = $1 AND election_id = $2 ORDER BY territory',
      [userId, electionId],
    );
    return rows.rows.map((row) => row.territory);
  }
}
