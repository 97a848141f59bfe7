import {
  divipolDocumentSchema,
  divipolImportResponseSchema,
  electionCodeSchema,
  electionRulesResponseSchema,
  errorResponseSchema,
  updateRulesRequestSchema,
} from '@castor/contracts';
import { principal, type ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import { actorName } from '../../shared/actor.js';
import { divipolDocumentFromUpload } from './divipol-upload.js';
import type { ElectionsService } from './elections.service.js';

const adminOnly = { auth: { roles: ['admin'] } } as const;
const electionParams = z.object({ code: electionCodeSchema });
const electionListResponseSchema = z.object({
  items: z.array(
    z.object({
      code: z.string(),
      name: z.string(),
      date: z.string(),
      corporations: z.array(z.string()),
      mesas: z.number().int(),
    }),
  ),
});

export interface ElectionsRoutesOptions extends Record<string, unknown> {
  elections: ElectionsService;
  importBodyLimitBytes: number;
}

/** `/api/elections`: divipol imports, the list of elections, and their rule configuration. */
export const electionsRoutes: ServicePlugin<ElectionsRoutesOptions> = async (
  app,
  { elections, importBodyLimitBytes },
) => {
  app.post(
    '/import',
    {
      bodyLimit: importBodyLimitBytes,
      config: adminOnly,
      schema: {
        tags: ['elections'],
        summary:
          'Import a divipol document (castor-divipol/1): territorial tree, habilitados and candidates. Idempotent',
        body: divipolDocumentSchema,
        response: { 200: divipolImportResponseSchema, 400: errorResponseSchema },
      },
    },
    async (request) => elections.importDivipol(request.body, actorName(principal(request))),
  );

  app.post(
    '/import/files',
    {
      config: adminOnly,
      schema: {
        tags: ['elections'],
        summary:
          'Import a divipol from files (multipart): field "election" (JSON: code, name, date, corporations), file "mesas" (castor-divipol-csv/1) or "registraduria" (the Registraduría mesa index JSON), file "candidates" (CSV)',
        response: { 200: divipolImportResponseSchema, 400: errorResponseSchema },
      },
    },
    async (request) => {
      const document = await divipolDocumentFromUpload(request, importBodyLimitBytes);
      return elections.importDivipol(document, actorName(principal(request)));
    },
  );

  app.get(
    '',
    {
      schema: {
        tags: ['elections'],
        summary: 'Imported elections',
        response: { 200: electionListResponseSchema },
      },
    },
    async () => ({ items: await elections.list() }),
  );

  app.get(
    '/:code/rules',
    {
      config: { auth: { roles: ['admin', 'analyst', 'reviewer'] } },
      schema: {
        tags: ['rules'],
        summary: 'Every rule (id, version, severity, formula) and the configuration in force per corporation',
        params: electionParams,
        response: { 200: electionRulesResponseSchema, 404: errorResponseSchema },
      },
    },
    async (request) => elections.rules(request.params.code),
  );

  app.put(
    '/:code/rules',
    {
      config: adminOnly,
      schema: {
        tags: ['rules'],
        summary:
          'Replace the rule configuration of the election or of one corporation (enable/disable, severity, thresholds)',
        params: electionParams,
        body: updateRulesRequestSchema,
        response: { 200: electionRulesResponseSchema, 404: errorResponseSchema, 422: errorResponseSchema },
      },
    },
    async (request) => elections.updateRules(request.params.code, request.body, actorName(principal(request))),
  );
};
