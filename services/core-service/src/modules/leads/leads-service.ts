import type { demoRequestSchema, leadSchema } from '@castor/contracts';
import { httpError } from '@castor/service-kit';
import { and, count, desc, eq, gt, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { CoreDb } from '../../db/client.js';
import { leads } from '../../db/schema.js';

type ParsedDemoRequest = z.output<typeof demoRequestSchema>;

/** A person needs more than this to read and fill the form; bots post at once. */
const MIN_FORM_MS = 2_000;
const MAX_LINKS = 2;

/**
 * Why a demo request looks automated, or undefined. Spam is refused with a clear 422 rather than
 * silently dropped: nothing we say we received is ever thrown away.
 */
export function spamReason(request: ParsedDemoRequest): string | undefined {
  if (request.website && request.website.trim() !== '') return 'a field meant to stay empty was filled';
  if (request.formOpenedMs !== undefined && request.formOpenedMs < MIN_FORM_MS) return 'the form was sent too fast';
  const links = (request.message ?? '').match(/https?:\/\/|www\./gi)?.length ?? 0;
  if (links > MAX_LINKS) return 'the message has too many links';
  return undefined;
}

export class LeadsService {
  constructor(private readonly db: CoreDb) {}

  /** Idempotent per email for a day: a retried or doubled submission returns the first lead. */
  async submit(request: ParsedDemoRequest): Promise<{ id: string }> {
    const reason = spamReason(request);
    if (reason) throw httpError('SPAM_REJECTED', `The request looks automated: ${reason}`);
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`lead:${request.email}`}))`);
      const [recent] = await tx
        .select({ id: leads.id })
        .from(leads)
        .where(and(eq(leads.email, request.email), gt(leads.createdAt, sql`now() - interval '1 day'`)));
      if (recent) return recent;
      const [row] = await tx
        .insert(leads)
        .values({
          name: request.name,
          email: request.email,
          organization: request.organization ?? null,
          phone: request.phone ?? null,
          role: request.role,
          city: request.city ?? null,
          message: request.message ?? null,
        })
        .returning({ id: leads.id });
      if (!row) throw new Error('insert returned nothing');
      return row;
    });
  }

  async list(limit: number, offset: number): Promise<{ leads: Array<z.infer<typeof leadSchema>>; total: number }> {
    const [rows, [total]] = await Promise.all([
      this.db.select().from(leads).orderBy(desc(leads.createdAt)).limit(limit).offset(offset),
      this.db.select({ value: count() }).from(leads),
    ]);
    return {
      leads: rows.map((row) => ({
        ...row,
        role: row.role as z.infer<typeof leadSchema>['role'],
        createdAt: row.createdAt.toISOString(),
      })),
      total: total?.value ?? 0,
    };
  }
}
