import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { type RecordedExchange, readBody, startLoopbackServer } from './http.js';

/**
 * A loopback server speaking the part of Chroma's v2 HTTP API (Chroma server ≥ 1.0) that the
 * official `chromadb` npm client (3.x) uses to keep vectors: heartbeat, version, pre-flight checks,
 * identity, tenant and database lookups, collections (create / get-or-create / get / list / count /
 * delete) and records (add, upsert, get, query, delete, count). Search is exact (brute force) in the
 * collection's space, `where` filters are evaluated for real, and errors carry Chroma's status and
 * `{"error", "message"}` body, which is what the client turns into its error classes.
 */

/** Chroma's error names by status (chroma_error::ErrorCodes::name; other codes answer "ChromaError"). */
export const CHROMA_ERRORS = {
  400: 'InvalidArgumentError',
  404: 'NotFoundError',
  409: 'ChromaError',
  422: 'ChromaError',
  429: 'ChromaError',
  500: 'InternalError',
  503: 'ChromaError',
} as const;
export type ChromaErrorStatus = keyof typeof CHROMA_ERRORS;

/** What the server routes a request to; scripted failures can aim at one of them. */
export type ChromaRoute =
  | 'heartbeat'
  | 'version'
  | 'pre_flight_checks'
  | 'identity'
  | 'tenant'
  | 'database'
  | 'create_collection'
  | 'list_collections'
  | 'count_collections'
  | 'get_collection'
  | 'delete_collection'
  | 'add'
  | 'upsert'
  | 'get'
  | 'query'
  | 'delete'
  | 'count';

/**
 * A failure to answer instead of the real one: `reset` closes the connection without an answer;
 * `applied_then_hang` does the work (a write is stored) and never answers, as a server whose reply
 * is lost after the fact, which is what makes a client's retry a second write.
 */
export type FakeChromaFailure =
  | { kind: 'error'; status: ChromaErrorStatus; message?: string }
  | { kind: 'applied_then_hang' }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'malformed_json' };

export interface FakeChromaScriptOptions {
  times?: number;
  /** Only requests to this route consume the step (the others are answered normally). */
  route?: ChromaRoute;
  delayMs?: number;
}

export type ChromaMetadataValue = string | number | boolean;

export interface FakeChromaRecord {
  id: string;
  embedding: Float32Array;
  metadata: Record<string, ChromaMetadataValue> | null;
  document: string | null;
}

/** A request the fake understood, with its parsed JSON body. */
export interface FakeChromaOperation {
  route: ChromaRoute;
  collectionId: string | null;
  body: unknown;
}

export interface FakeChromaOptions {
  /** What `GET /api/v2/pre-flight-checks` reports; the client refuses larger record sets itself. */
  maxBatchSize?: number;
  /** Whether the client may send embeddings as base64 little-endian float32 (Chroma ≥ 1.0 does). */
  supportsBase64Encoding?: boolean;
  version?: string;
  /** Tenants and their databases; by default Chroma's `default_tenant` / `default_database`. */
  tenants?: Record<string, readonly string[]>;
  latencyMs?: number;
}

export interface FakeChroma {
  url: string;
  requests: RecordedExchange[];
  operations: FakeChromaOperation[];
  /** Queues failures for the next requests (of `route`, if given), ahead of the real answers. */
  script(failure: FakeChromaFailure, options?: FakeChromaScriptOptions): void;
  /** The records of a collection by name (tenant and database default to Chroma's defaults). */
  records(collection: string, tenant?: string, database?: string): FakeChromaRecord[];
  close(): Promise<void>;
}

type Space = 'cosine' | 'l2' | 'ip';

interface StoredCollection {
  id: string;
  name: string;
  tenant: string;
  database: string;
  space: Space;
  metadata: Record<string, unknown> | null;
  configuration: Record<string, unknown>;
  dimension: number | null;
  records: Map<string, FakeChromaRecord>;
  version: number;
}

const MAX_REQUEST_BYTES = 64 * 1024 * 1024;
const DEFAULT_TENANTS: Record<string, readonly string[]> = { default_tenant: ['default_database'] };
/** The HNSW defaults a Chroma 1.0 server reports in `configuration_json`. */
const HNSW_DEFAULTS = {
  ef_construction: 100,
  ef_search: 100,
  max_neighbors: 16,
  resize_factor: 1.2,
  sync_threshold: 1000,
};

/** Answered as Chroma does: a status and `{"error", "message"}`. */
class ChromaHttpError extends Error {
  constructor(
    readonly status: ChromaErrorStatus,
    message: string,
  ) {
    super(message);
  }
}
const invalid = (message: string) => new ChromaHttpError(400, message);

const metadataValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const metadataSchema = z.record(z.string(), metadataValueSchema).nullable();
const spaceSchema = z.enum(['cosine', 'l2', 'ip']);
const createCollectionSchema = z.looseObject({
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{1,61}[a-zA-Z0-9]$/, {
    message: 'Expected a name containing 3-63 characters from [a-zA-Z0-9._-], starting and ending with [a-zA-Z0-9]',
  }),
  configuration: z
    .looseObject({
      hnsw: z.looseObject({ space: spaceSchema.nullish() }).nullish(),
      spann: z.looseObject({ space: spaceSchema.nullish() }).nullish(),
      embedding_function: z.unknown().optional(),
    })
    .nullish(),
  metadata: metadataSchema.optional(),
  get_or_create: z.boolean().optional(),
});
const embeddingsSchema = z.union([z.array(z.array(z.number())), z.array(z.string())]);
const recordsSchema = z.looseObject({
  ids: z.array(z.string()),
  embeddings: embeddingsSchema.nullish(),
  metadatas: z.array(metadataSchema).nullish(),
  documents: z.array(z.string().nullable()).nullish(),
  uris: z.array(z.string().nullable()).nullish(),
});
const includeSchema = z.array(z.enum(['distances', 'documents', 'embeddings', 'metadatas', 'uris']));
const querySchema = z.looseObject({
  query_embeddings: z.array(z.array(z.number())),
  n_results: z.number().int().positive().nullish(),
  ids: z.array(z.string()).nullish(),
  where: z.unknown().optional(),
  where_document: z.unknown().optional(),
  include: includeSchema.optional(),
});
const getSchema = z.looseObject({
  ids: z.array(z.string()).nullish(),
  where: z.unknown().optional(),
  where_document: z.unknown().optional(),
  limit: z.number().int().nonnegative().nullish(),
  offset: z.number().int().nonnegative().nullish(),
  include: includeSchema.optional(),
});
const deleteSchema = z.looseObject({
  ids: z.array(z.string()).nullish(),
  where: z.unknown().optional(),
  where_document: z.unknown().optional(),
  limit: z.number().int().nonnegative().nullish(),
});

/** Parses a body with a schema, answering 400 like Chroma's JSON extractor when it does not fit. */
function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw invalid(`Failed to deserialize the JSON body: ${issue?.path.join('.')}: ${issue?.message}`);
}

/** The client sends base64 of little-endian float32 when the pre-flight checks allow it. */
function decodeEmbedding(value: number[] | string): Float32Array {
  if (typeof value !== 'string') return Float32Array.from(value);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length % 4 !== 0) throw invalid('Base64 decoding error: byte length is not a multiple of 4');
  const vector = new Float32Array(bytes.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  return vector;
}

function distance(space: Space, a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  let squared = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
    squared += (x - y) * (x - y);
  }
  if (space === 'l2') return squared;
  if (space === 'ip') return 1 - dot;
  const norms = Math.sqrt(normA) * Math.sqrt(normB);
  return norms === 0 ? 1 : 1 - dot / norms;
}

const COMPARISONS = ['$gt', '$gte', '$lt', '$lte'] as const;
const OPERATORS = new Set(['$eq', '$ne', '$in', '$nin', ...COMPARISONS]);

type Predicate = (metadata: Record<string, ChromaMetadataValue> | null) => boolean;

/**
 * Compiles a `where` filter, refusing what Chroma refuses (400): one key per object, `$and`/`$or`
 * over non-empty lists, one operator per field, numeric operands for comparisons, same-typed lists
 * for `$in`/`$nin`. A record without the field fails every operator but `$ne` and `$nin`.
 */
function compileWhere(where: unknown): Predicate {
  if (typeof where !== 'object' || where === null || Array.isArray(where)) {
    throw invalid('Invalid where clause: expected an object');
  }
  const entries = Object.entries(where);
  if (entries.length !== 1) {
    throw invalid(`Invalid where clause: expected exactly one operator or field, got ${entries.length}`);
  }
  const [key, value] = entries[0] as [string, unknown];
  if (key === '$and' || key === '$or') {
    if (!Array.isArray(value) || value.length === 0) {
      throw invalid(`Invalid where clause: ${key} expects a non-empty list of where clauses`);
    }
    const parts = value.map(compileWhere);
    return key === '$and'
      ? (metadata) => parts.every((part) => part(metadata))
      : (metadata) => parts.some((part) => part(metadata));
  }
  if (key.startsWith('$')) throw invalid(`Invalid where clause: unknown operator ${key}`);
  const [operator, operand] =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (() => {
          const ops = Object.entries(value);
          if (ops.length !== 1) throw invalid(`Invalid where clause: field ${key} needs exactly one operator`);
          return ops[0] as [string, unknown];
        })()
      : ['$eq', value];
  if (!OPERATORS.has(operator)) throw invalid(`Invalid where clause: unknown operator ${operator}`);
  const isScalar = (item: unknown): item is ChromaMetadataValue =>
    ['string', 'number', 'boolean'].includes(typeof item);
  if ((COMPARISONS as readonly string[]).includes(operator) && typeof operand !== 'number') {
    throw invalid(`Invalid where clause: ${operator} expects a number for field ${key}`);
  }
  if (operator === '$in' || operator === '$nin') {
    if (
      !Array.isArray(operand) ||
      operand.length === 0 ||
      !operand.every((item) => isScalar(item) && typeof item === typeof operand[0])
    ) {
      throw invalid(`Invalid where clause: ${operator} expects a non-empty list of values of one type`);
    }
    const set = new Set(operand as ChromaMetadataValue[]);
    return operator === '$in'
      ? (metadata) => metadata?.[key] !== undefined && set.has(metadata[key] as ChromaMetadataValue)
      : (metadata) => metadata?.[key] === undefined || !set.has(metadata[key] as ChromaMetadataValue);
  }
  if (!isScalar(operand)) throw invalid(`Invalid where clause: field ${key} needs a string, number or boolean`);
  return (metadata) => {
    const field = metadata?.[key];
    if (field === undefined) return operator === '$ne';
    switch (operator) {
      case '$eq':
        return field === operand;
      case '$ne':
        return field !== operand;
      default: {
        if (typeof field !== 'number') return false;
        const limit = operand as number;
        if (operator === '$gt') return field > limit;
        if (operator === '$gte') return field >= limit;
        if (operator === '$lt') return field < limit;
        return field <= limit;
      }
    }
  };
}

/** `where_document` is part of the wire format but not of what this fake serves. */
function refuseWhereDocument(whereDocument: unknown) {
  if (whereDocument !== undefined && whereDocument !== null) {
    throw invalid('fake-chroma: where_document is not implemented');
  }
}

function sendJson(response: ServerResponse, status: number, payload: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(payload));
}

function sendError(response: ServerResponse, status: ChromaErrorStatus, message: string) {
  sendJson(response, status, { error: CHROMA_ERRORS[status], message });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function startFakeChroma(options: FakeChromaOptions = {}): Promise<FakeChroma> {
  const requests: RecordedExchange[] = [];
  const operations: FakeChromaOperation[] = [];
  const steps: Array<{ failure: FakeChromaFailure; remaining: number; route?: ChromaRoute; delayMs?: number }> = [];
  const tenants = new Map(Object.entries(options.tenants ?? DEFAULT_TENANTS).map(([t, dbs]) => [t, new Set(dbs)]));
  const collections = new Map<string, StoredCollection>();
  const maxBatchSize = options.maxBatchSize ?? 1024;
  const started = process.hrtime.bigint();

  const requireDatabase = (tenant: string, database: string) => {
    const databases = tenants.get(tenant);
    if (!databases) throw new ChromaHttpError(404, `Tenant [${tenant}] not found`);
    if (!databases.has(database)) throw new ChromaHttpError(404, `Database [${database}] not found`);
  };
  const byName = (tenant: string, database: string, name: string) =>
    [...collections.values()].find((c) => c.tenant === tenant && c.database === database && c.name === name);
  const byId = (tenant: string, database: string, id: string) => {
    if (!UUID.test(id)) throw invalid('Collection ID is not a valid UUIDv4');
    const found = collections.get(id);
    if (!found || found.tenant !== tenant || found.database !== database) {
      throw new ChromaHttpError(404, `Collection [${id}] does not exist`);
    }
    return found;
  };
  const collectionModel = (c: StoredCollection) => ({
    id: c.id,
    name: c.name,
    tenant: c.tenant,
    database: c.database,
    metadata: c.metadata,
    configuration_json: c.configuration,
    dimension: c.dimension,
    log_position: 0,
    version: c.version,
  });

  const checkDimension = (c: StoredCollection, vectors: Float32Array[]) => {
    for (const vector of vectors) {
      if (vectors[0] && vector.length !== vectors[0].length)
        throw invalid('Inconsistent dimensions in provided embeddings');
      if (c.dimension !== null && vector.length !== c.dimension) {
        throw invalid(`Collection expecting embedding with dimension of ${c.dimension}, got ${vector.length}`);
      }
    }
  };

  const writeRecords = (c: StoredCollection, body: z.output<typeof recordsSchema>, mode: 'add' | 'upsert') => {
    const { ids } = body;
    if (ids.length === 0) throw invalid('Expected ids to be a non-empty list');
    if (ids.length > maxBatchSize) throw invalid(`Batch size ${ids.length} exceeds maximum batch size ${maxBatchSize}`);
    if (new Set(ids).size !== ids.length) throw invalid('Expected IDs to be unique, found duplicates');
    if (!body.embeddings) throw invalid('Expected embeddings: this fake has no embedding function');
    for (const [name, list] of [
      ['embeddings', body.embeddings],
      ['metadatas', body.metadatas],
      ['documents', body.documents],
    ] as const) {
      if (list && list.length !== ids.length) {
        throw invalid(`Inconsistent number of records: ${ids.length} ids and ${list.length} ${name}`);
      }
    }
    const vectors = body.embeddings.map(decodeEmbedding);
    checkDimension(c, vectors);
    c.dimension ??= vectors[0]?.length ?? null;
    ids.forEach((id, index) => {
      const existing = c.records.get(id);
      if (existing && mode === 'add') return;
      const given = body.metadatas?.[index];
      // Upserting an existing record updates it: given keys replace, null removes, others stay.
      const metadata: Record<string, ChromaMetadataValue> = { ...(existing?.metadata ?? {}) };
      for (const [key, value] of Object.entries(given ?? {})) {
        if (value === null) delete metadata[key];
        else metadata[key] = value;
      }
      c.records.set(id, {
        id,
        embedding: vectors[index] as Float32Array,
        metadata: Object.keys(metadata).length > 0 ? metadata : null,
        document: body.documents?.[index] ?? existing?.document ?? null,
      });
    });
  };

  const matching = (c: StoredCollection, ids: readonly string[] | null | undefined, where: unknown) => {
    const predicate = where === undefined || where === null ? () => true : compileWhere(where);
    const idSet = ids ? new Set(ids) : null;
    return [...c.records.values()].filter((r) => (!idSet || idSet.has(r.id)) && predicate(r.metadata));
  };

  const route = (method: string, path: string): { route: ChromaRoute; params: string[] } | null => {
    const table: Array<[string, RegExp, ChromaRoute]> = [
      ['GET', /^\/api\/v2\/heartbeat$/, 'heartbeat'],
      ['GET', /^\/api\/v2\/version$/, 'version'],
      ['GET', /^\/api\/v2\/pre-flight-checks$/, 'pre_flight_checks'],
      ['GET', /^\/api\/v2\/auth\/identity$/, 'identity'],
      ['GET', /^\/api\/v2\/tenants\/([^/]+)$/, 'tenant'],
      ['GET', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)$/, 'database'],
      ['POST', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)\/collections$/, 'create_collection'],
      ['GET', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)\/collections$/, 'list_collections'],
      ['GET', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)\/collections_count$/, 'count_collections'],
      ['GET', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)\/collections\/([^/]+)$/, 'get_collection'],
      ['DELETE', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)\/collections\/([^/]+)$/, 'delete_collection'],
      ['POST', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)\/collections\/([^/]+)\/add$/, 'add'],
      ['POST', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)\/collections\/([^/]+)\/upsert$/, 'upsert'],
      ['POST', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)\/collections\/([^/]+)\/get$/, 'get'],
      ['POST', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)\/collections\/([^/]+)\/query$/, 'query'],
      ['POST', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)\/collections\/([^/]+)\/delete$/, 'delete'],
      ['GET', /^\/api\/v2\/tenants\/([^/]+)\/databases\/([^/]+)\/collections\/([^/]+)\/count$/, 'count'],
    ];
    for (const [verb, pattern, name] of table) {
      const match = verb === method ? pattern.exec(path) : null;
      if (match) return { route: name, params: match.slice(1).map(decodeURIComponent) };
    }
    return null;
  };

  /** The real answer to a routed request. */
  const answer = (name: ChromaRoute, params: string[], body: unknown): unknown => {
    const [tenant = '', database = '', collection = ''] = params;
    if (name === 'heartbeat') return { 'nanosecond heartbeat': Number(process.hrtime.bigint() - started) };
    if (name === 'version') return options.version ?? '1.0.20';
    if (name === 'pre_flight_checks') {
      return { max_batch_size: maxBatchSize, supports_base64_encoding: options.supportsBase64Encoding ?? true };
    }
    if (name === 'identity') {
      const [first] = tenants.keys();
      return { user_id: '', tenant: first ?? 'default_tenant', databases: [...(tenants.get(first ?? '') ?? [])] };
    }
    if (name === 'tenant') {
      if (!tenants.has(tenant)) throw new ChromaHttpError(404, `Tenant [${tenant}] not found`);
      return { name: tenant };
    }
    requireDatabase(tenant, database);
    switch (name) {
      case 'database':
        return { id: randomUUID(), name: database, tenant };
      case 'create_collection': {
        const payload = parse(createCollectionSchema, body);
        const existing = byName(tenant, database, payload.name);
        if (existing) {
          if (!payload.get_or_create) throw new ChromaHttpError(409, `Collection [${payload.name}] already exists`);
          return collectionModel(existing);
        }
        const configured = payload.configuration?.hnsw?.space ?? payload.configuration?.spann?.space;
        const legacy = payload.metadata?.['hnsw:space'];
        const space = configured ?? (legacy === undefined || legacy === null ? 'l2' : parse(spaceSchema, legacy));
        const created: StoredCollection = {
          id: randomUUID(),
          name: payload.name,
          tenant,
          database,
          space,
          metadata: payload.metadata ?? null,
          configuration: {
            hnsw: { ...HNSW_DEFAULTS, space },
            spann: null,
            embedding_function: payload.configuration?.embedding_function ?? null,
          },
          dimension: null,
          records: new Map(),
          version: 0,
        };
        collections.set(created.id, created);
        return collectionModel(created);
      }
      case 'list_collections':
        return [...collections.values()]
          .filter((c) => c.tenant === tenant && c.database === database)
          .map(collectionModel);
      case 'count_collections':
        return [...collections.values()].filter((c) => c.tenant === tenant && c.database === database).length;
      case 'get_collection': {
        const found = byName(tenant, database, collection);
        if (!found) throw new ChromaHttpError(404, `Collection [${collection}] does not exist`);
        return collectionModel(found);
      }
      case 'delete_collection': {
        const found = byName(tenant, database, collection);
        if (!found) throw new ChromaHttpError(404, `Collection [${collection}] does not exist`);
        collections.delete(found.id);
        return {};
      }
      default:
        break;
    }
    const c = byId(tenant, database, collection);
    switch (name) {
      case 'add':
      case 'upsert':
        writeRecords(c, parse(recordsSchema, body), name);
        return {};
      case 'count':
        return c.records.size;
      case 'get': {
        const payload = parse(getSchema, body);
        refuseWhereDocument(payload.where_document);
        const include = payload.include ?? ['documents', 'metadatas'];
        const offset = payload.offset ?? 0;
        const found = matching(c, payload.ids, payload.where).slice(
          offset,
          payload.limit == null ? undefined : offset + payload.limit,
        );
        return {
          ids: found.map((r) => r.id),
          include,
          metadatas: include.includes('metadatas') ? found.map((r) => r.metadata) : null,
          documents: include.includes('documents') ? found.map((r) => r.document) : null,
          embeddings: include.includes('embeddings') ? found.map((r) => [...r.embedding]) : null,
          uris: null,
        };
      }
      case 'query': {
        const payload = parse(querySchema, body);
        refuseWhereDocument(payload.where_document);
        const include = payload.include ?? ['metadatas', 'documents', 'distances'];
        const queries = payload.query_embeddings.map((e) => Float32Array.from(e));
        checkDimension(c, queries);
        const candidates = matching(c, payload.ids, payload.where);
        const ranked = queries.map((query) =>
          candidates
            .map((record) => ({ record, distance: distance(c.space, query, record.embedding) }))
            .sort((a, b) => a.distance - b.distance)
            .slice(0, payload.n_results ?? 10),
        );
        const column = <T>(field: string, pick: (hit: { record: FakeChromaRecord; distance: number }) => T) =>
          include.includes(field as never) ? ranked.map((hits) => hits.map(pick)) : null;
        return {
          ids: ranked.map((hits) => hits.map((hit) => hit.record.id)),
          include,
          distances: column('distances', (hit) => hit.distance),
          metadatas: column('metadatas', (hit) => hit.record.metadata),
          documents: column('documents', (hit) => hit.record.document),
          embeddings: column('embeddings', (hit) => [...hit.record.embedding]),
          uris: null,
        };
      }
      case 'delete': {
        const payload = parse(deleteSchema, body);
        refuseWhereDocument(payload.where_document);
        if (!payload.ids && (payload.where === undefined || payload.where === null)) {
          throw invalid('Deleting collection records without filter');
        }
        const doomed = matching(c, payload.ids, payload.where).slice(0, payload.limit ?? undefined);
        for (const record of doomed) c.records.delete(record.id);
        return { deleted: doomed.length };
      }
      default:
        throw new ChromaHttpError(404, `fake-chroma: no route ${name}`);
    }
  };

  const fail = async (failure: FakeChromaFailure, response: ServerResponse) => {
    switch (failure.kind) {
      case 'hang':
      case 'applied_then_hang':
        await new Promise<void>((resolve) => response.on('close', resolve));
        return;
      case 'reset':
        response.socket?.destroy();
        return;
      case 'malformed_json':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"ids":[["');
        return;
      case 'error':
        sendError(response, failure.status, failure.message ?? `fake-chroma: scripted ${failure.status}`);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? 'GET';
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const routed = route(method, path);
    if (!routed) {
      // Axum answers unknown routes with an empty 404.
      response.writeHead(404);
      response.end();
      return;
    }
    const raw = await readBody(request, MAX_REQUEST_BYTES);
    if (raw === null) {
      sendError(response, 400, 'Request body too large');
      return;
    }
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        sendError(response, 400, 'Failed to parse the request body as JSON');
        return;
      }
    }
    const collectionId = routed.params[2] ?? null;
    operations.push({ route: routed.route, collectionId, body });
    const index = steps.findIndex((step) => step.route === undefined || step.route === routed.route);
    const step = index === -1 ? undefined : steps[index];
    if (step) {
      step.remaining -= 1;
      if (step.remaining === 0) steps.splice(index, 1);
    }
    await server.wait(step?.delayMs ?? options.latencyMs ?? 0);
    if (step && step.failure.kind !== 'applied_then_hang') {
      await fail(step.failure, response);
      return;
    }
    let payload: unknown;
    try {
      payload = answer(routed.route, routed.params, body);
    } catch (error) {
      if (!(error instanceof ChromaHttpError)) throw error;
      sendError(response, error.status, error.message);
      return;
    }
    if (step) await fail(step.failure, response);
    else sendJson(response, 200, payload);
  };

  const server = await startLoopbackServer(handle, requests);
  return {
    url: server.url,
    requests,
    operations,
    script(failure, { times = 1, route: only, delayMs } = {}) {
      if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
      steps.push({ failure, remaining: times, ...(only ? { route: only } : {}), ...(delayMs ? { delayMs } : {}) });
    },
    records(name, tenant = 'default_tenant', database = 'default_database') {
      return [...(byName(tenant, database, name)?.records.values() ?? [])];
    },
    close: () => server.close(),
  };
}
