import {
  type Candidate,
  divipolDocumentSchema,
  divipolImportResponseSchema,
  electionCodeSchema,
  electionRulesResponseSchema,
  electionSchema,
  errorResponseSchema,
  updateRulesRequestSchema,
} from '@castor/contracts';
import { badRequest, principal, type ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import { actorName } from '../../shared/actor.js';
import {
  buildDivipolDocument,
  candidatesFromCsv,
  fromRegistraduriaIndex,
  mesasFromCsv,
} from '../../shared/divipol-formats.js';
import type { ElectionCatalog, ElectionCatalogs } from '../../shared/election-catalog.js';
import { importDivipol } from './divipol-import.js';
import { describeRules, updateRuleConfig } from './rules-config.js';

const adminOnly = { auth: { roles: ['admin'] } } as const;
const electionParams = z.object({ code: electionCodeSchema });

export interface ElectionsRoutesOptions extends Record<string, unknown> {
  catalogs: ElectionCatalogs;
  importBodyLimitBytes: number;
  /** What other features drop when an election's divipol changes (results caches); wired in app.ts. */
  onDivipolImported: (catalog: ElectionCatalog) => Promise<void>;
}

/** `/api/elections`: divipol imports, the list of elections, and their rule configuration. */
export const electionsRoutes: ServicePlugin<ElectionsRoutesOptions> = async (app, deps) => {
  const pool = app.pg;
  const afterImport = async (code: string) => {
    deps.catalogs.invalidate(code);
    const catalog = await deps.catalogs.get(code);
    if (catalog) await deps.onDivipolImported(catalog);
  };

  app.post(
    '/import',
    {
      bodyLimit: deps.importBodyLimitBytes,
      config: adminOnly,
      schema: {
        tags: ['elections'],
        summary:
          'Import a divipol document (castor-divipol/1): territorial tree, habilitados and candidates. Idempotent',
        body: divipolDocumentSchema,
        response: { 200: divipolImportResponseSchema, 400: errorResponseSchema },
      },
    },
    async (request) => {
      const result = await importDivipol(pool, request.body, actorName(principal(request)));
      await afterImport(result.electionCode);
      return result;
    },
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
      if (!request.isMultipart())
        throw badRequest('UNSUPPORTED_MEDIA_TYPE', 'Send multipart/form-data with the divipol files');
      let election: unknown;
      let mesas: ReturnType<typeof mesasFromCsv> | undefined;
      let candidates: Candidate[] = [];
      for await (const part of request.parts({ limits: { fileSize: deps.importBodyLimitBytes } })) {
        if (part.type === 'field') {
          if (part.fieldname === 'election') {
            try {
              election = JSON.parse(String(part.value));
            } catch {
              throw badRequest('INVALID_JSON', 'The "election" field is not valid JSON');
            }
          }
          continue;
        }
        const text = (await part.toBuffer()).toString('utf8');
        if (part.fieldname === 'mesas') mesas = mesasFromCsv(text);
        else if (part.fieldname === 'registraduria') {
          try {
            mesas = fromRegistraduriaIndex(JSON.parse(text));
          } catch (error) {
            if (error instanceof SyntaxError)
              throw badRequest('INVALID_JSON', 'The "registraduria" file is not valid JSON');
            throw error;
          }
        } else if (part.fieldname === 'candidates') candidates = candidatesFromCsv(text);
      }
      const parsedElection = electionSchema.safeParse(election);
      if (!parsedElection.success) {
        throw badRequest(
          'DIVIPOL_INVALID',
          `election: ${parsedElection.error.issues[0]?.path.join('.')} ${parsedElection.error.issues[0]?.message}`,
        );
      }
      if (!mesas) throw badRequest('DIVIPOL_INVALID', 'Send the mesas as a "mesas" CSV or a "registraduria" JSON file');
      const document = buildDivipolDocument(parsedElection.data, mesas, candidates);
      const result = await importDivipol(pool, document, actorName(principal(request)));
      await afterImport(result.electionCode);
      return result;
    },
  );

  app.get(
    '',
    {
      schema: {
        tags: ['elections'],
        summary: 'Imported elections',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                code: z.string(),
                name: z.string(),
                date: z.string(),
                corporations: z.array(z.string()),
                mesas: z.number().int(),
              }),
            ),
          }),
        },
      },
    },
    async () => {
      const rows = await pool.query<{
        code: string;
        name: string;
        date: string;
        corporations: string[];
        mesas: string;
      }>(
        `SELECT e.code, e.name, to_char(e.date, 'YYYY-MM-DD') AS date,
                coalesce((SELECT array_agg(corporation ORDER BY corporation) FROM election_corporations c WHERE c.election_id = e.id), '{}') AS corporations,
                (SELECT coalesce(sum(mesa_count), 0) FROM municipios m WHERE m.election_id = e.id) AS mesas
         FROM elections e ORDER BY e.date DESC, e.code`,
      );
      return { items: rows.rows.map((row) => ({ ...row, mesas: Number(row.mesas) })) };
    },
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
    async (request) => describeRules(await deps.catalogs.requireElection(request.params.code)),
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
    async (request) => {
      const catalog = await deps.catalogs.requireElection(request.params.code);
      await updateRuleConfig(pool, catalog, request.body, actorName(principal(request)));
      deps.catalogs.invalidate(catalog.code);
      return describeRules(await deps.catalogs.requireElection(catalog.code));
    },
  );
};
