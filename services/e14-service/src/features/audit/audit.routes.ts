import {
  auditExportQuerySchema,
  auditExportResponseSchema,
  auditVerifyQuerySchema,
  auditVerifyResponseSchema,
  signedAuditHeadSchema,
} from '@castor/contracts';
import type { ServicePlugin } from '@castor/service-kit';
import { AUDIT_ALGORITHM, GENESIS_HASH, readAuditHead, readAuditPage } from '../../shared/audit-chain.js';
import type { AuditHeadSigner } from '../../shared/audit-head.js';
import type { AuditRepository } from './audit.repository.js';
import { verifyAudit } from './audit.service.js';

const auditors = { auth: { roles: ['admin', 'analyst'] } } as const;
// The head reveals only how long the chain is; the more hands hold copies of it, the harder a
// truncation is to hide, so viewers (observers, media) may collect it too.
const headReaders = { auth: { roles: ['admin', 'analyst', 'viewer'] } } as const;

/** `/api/audit`: verify the hash chain and the results against it, publish its signed head, export it. */
export const auditRoutes: ServicePlugin<{ repository: AuditRepository; signer: AuditHeadSigner }> = async (
  app,
  { repository, signer },
) => {
  if (!signer.signs) {
    app.log.warn('E14_AUDIT_SIGNING_KEY is not set: audit chain heads are published unsigned');
  }

  app.get(
    '/verify',
    {
      config: auditors,
      schema: {
        tags: ['audit'],
        summary:
          'Recompute the chain, check it still holds a published head, and check stored forms, truths and rollups against it',
        querystring: auditVerifyQuerySchema,
        response: { 200: auditVerifyResponseSchema },
      },
    },
    async (request) => verifyAudit(repository, request.query),
  );

  app.get(
    '/head',
    {
      config: headReaders,
      schema: {
        tags: ['audit'],
        summary:
          'The chain head, signed with Ed25519: keep it, and later verify with ?headSeq=&headHash= to detect truncation',
        response: { 200: signedAuditHeadSchema },
      },
    },
    async () => signer.sign(await readAuditHead(app.pg)),
  );

  app.get(
    '/export',
    {
      config: auditors,
      schema: {
        tags: ['audit'],
        summary: 'Export audit entries with the signed chain head, for verification by a third party (see README)',
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
        signedHead: signer.sign(head),
        entries,
        nextFromSeq: last && last.seq < head.seq ? last.seq + 1 : null,
      };
    },
  );
};
