import { auditExportQuerySchema, auditExportResponseSchema, auditVerifyResponseSchema } from '@castor/contracts';
import type { ServicePlugin } from '@castor/service-kit';
import {
  AUDIT_ALGORITHM,
  GENESIS_HASH,
  readAuditHead,
  readAuditPage,
  verifyAuditChain,
} from '../../shared/audit-chain.js';

const auditors = { auth: { roles: ['admin', 'analyst'] } } as const;

/** `/api/audit`: verify the hash chain, and export it for a third party to verify. */
export const auditRoutes: ServicePlugin<Record<string, unknown>> = async (app) => {
  app.get(
    '/verify',
    {
      config: auditors,
      schema: {
        tags: ['audit'],
        summary: 'Recompute the whole hash chain and name the first broken link',
        response: { 200: auditVerifyResponseSchema },
      },
    },
    async () => verifyAuditChain(app.pg),
  );

  app.get(
    '/export',
    {
      config: auditors,
      schema: {
        tags: ['audit'],
        summary: 'Export audit entries with the chain head, for verification by a third party (see README)',
        querystring: auditExportQuerySchema,
        response: { 200: auditExportResponseSchema },
      },
    },
    async (request) => {
      const head = await readAuditHead(app.pg);
      const entries = await readAuditPage(app.pg, request.query.fromSeq - 1, request.query.limit);
      const last = entries.at(-1);
      return {
        algorithm: AUDIT_ALGORITHM,
        genesisHash: GENESIS_HASH,
        head,
        entries,
        nextFromSeq: last && last.seq < head.seq ? last.seq + 1 : null,
      };
    },
  );
};
