import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RecordedExchange, startLoopbackServer } from './http.js';
import { compareIds, seededXCorpus, type XCorpus, type XPost, type XUser } from './x-corpus.js';

export {
  type SeededXCorpusOptions,
  seededXCorpus,
  snowflakeId,
  X_CORPUS_CANDIDATES,
  type XCorpus,
  type XCorpusCandidate,
  type XEntities,
  type XPost,
  type XPostPublicMetrics,
  type XPublicUserMetrics,
  type XReferencedTweet,
  type XUser,
} from './x-corpus.js';

/**
 * A loopback stand-in for X API v2 (api.x.com/2), as the `twitter-api-v2` client calls it with an
 * app-only bearer token: recent search, user lookups by username and id, and a user's posts. It
 * answers like X does, errors included (problem+json bodies, 429 with `x-rate-limit-*`, partial
 * `errors` for unknown users), and serves a seeded corpus or posts the test adds.
 */

export const FAKE_X_BEARER_TOKEN = 'fake-x-bearer-token';

export type XEndpoint = '/2/tweets/search/recent' | '/2/users/by' | '/2/users' | '/2/users/:id/tweets';

/** App-only (bearer) requests allowed per 15-minute window, as X documents each endpoint's limit. */
export const X_DEFAULT_RATE_LIMITS: Readonly<Record<XEndpoint, number>> = {
  '/2/tweets/search/recent': 450,
  '/2/users/by': 300,
  '/2/users': 300,
  '/2/users/:id/tweets': 1_500,
};
const WINDOW_SECONDS = 900;
const RECENT_SEARCH_DAYS = 7;

export type XErrorStatus = 400 | 401 | 403 | 404 | 429 | 500 | 502 | 503 | 504;

/** What a scripted step answers instead of the corpus. */
export type FakeXReply =
  /** A problem+json error body with that status (X's titles by default). */
  | { kind: 'error'; status: XErrorStatus; title?: string; detail?: string }
  /** 429 with `x-rate-limit-remaining: 0`; the window stays exhausted until the reset, as on X. */
  | { kind: 'rate_limited'; resetInSeconds: number }
  /** HTTP 200, `application/json`, and a body cut in the middle. */
  | { kind: 'invalid_json' }
  /** Exactly this JSON (a page without `meta`, without `data`, a hand-made page...). */
  | { kind: 'body'; body: unknown; status?: number }
  /** Never answers; ends when the client gives up or the server closes. */
  | { kind: 'hang' };

export interface XScriptOptions {
  times?: number;
  /** Only requests to this endpoint (default: any). */
  endpoint?: XEndpoint;
  /** Only requests this accepts (e.g. later pages: `(url) => url.searchParams.has('next_token')`). */
  when?: (url: URL) => boolean;
  delayMs?: number;
}

export interface FakeXOptions {
  /** Default: `seededXCorpus()` anchored at the server's start. */
  corpus?: XCorpus;
  /** Tokens accepted as `Authorization: Bearer`; default `[FAKE_X_BEARER_TOKEN]`. */
  bearerTokens?: string[];
  rateLimits?: Partial<Record<XEndpoint, number>>;
  latencyMs?: number;
}

export interface XRateLimitState {
  limit: number;
  remaining: number;
  /** Epoch seconds, as X sends `x-rate-limit-reset`. */
  reset: number;
}

export interface FakeX {
  /** Base URL of the server; the client's v2 prefix is `${url}/2/`. */
  url: string;
  corpus: XCorpus;
  addPosts(posts: XPost[]): void;
  addUsers(users: XUser[]): void;
  script(reply: FakeXReply, options?: XScriptOptions): void;
  setRateLimit(endpoint: XEndpoint, state: { limit?: number; remaining: number; resetInSeconds?: number }): void;
  rateLimit(endpoint: XEndpoint): XRateLimitState;
  setLatency(ms: number): void;
  /** Posts and users returned so far (`data` and `includes`), what X would bill. */
  readonly served: { posts: number; users: number };
  requests: RecordedExchange[];
  close(): Promise<void>;
}

const TWEET_FIELDS = [
  'article',
  'attachments',
  'author_id',
  'card_uri',
  'community_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'display_text_range',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'media_metadata',
  'non_public_metrics',
  'note_tweet',
  'organic_metrics',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'suggested_source_links',
  'text',
  'withheld',
];
const USER_FIELDS = [
  'affiliation',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'is_identity_verified',
  'location',
  'most_recent_tweet_id',
  'name',
  'parody',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_followers_count',
  'verified_type',
  'withheld',
];
const TWEET_EXPANSIONS = [
  'article.cover_media',
  'article.media_entities',
  'attachments.media_keys',
  'attachments.media_source_tweet',
  'attachments.poll_ids',
  'author_id',
  'edit_history_tweet_ids',
  'entities.mentions.username',
  'geo.place_id',
  'in_reply_to_user_id',
  'entities.note.mentions.username',
  'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys',
  'referenced_tweets.id.author_id',
];
const USER_EXPANSIONS = ['affiliation.user_id', 'most_recent_tweet_id', 'pinned_tweet_id'];
const OTHER_FIELD_PARAMETERS = ['media.fields', 'place.fields', 'poll.fields'];

const TITLES: Record<XErrorStatus, string> = {
  400: 'Invalid Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found Error',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A 400 from X: the request is answered with what was wrong, by parameter. */
class InvalidRequest extends Error {
  constructor(
    readonly parameter: string,
    readonly values: string[],
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Search queries: the subset of X's query language CASTOR's tracked queries use.

type QueryNode =
  | { kind: 'and' | 'or'; children: QueryNode[] }
  | { kind: 'not'; child: QueryNode }
  | { kind: 'term'; word: string }
  | { kind: 'phrase'; text: string }
  | { kind: 'hashtag'; tag: string }
  | { kind: 'mention'; username: string }
  | { kind: 'operator'; name: string; value: string };

const SUPPORTED_OPERATORS = new Set(['from', 'to', 'lang', 'is', 'has', 'conversation_id', 'retweets_of']);
const IS_VALUES = new Set(['retweet', 'reply', 'quote', 'verified']);
const HAS_VALUES = new Set(['links', 'hashtags', 'mentions', 'media', 'images', 'videos']);

const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

function tokenizeQuery(query: string): string[] {
  return query.match(/"[^"]*"|\(|\)|[^\s()]+/g) ?? [];
}

function parseQuery(query: string): QueryNode {
  const tokens = tokenizeQuery(query);
  let position = 0;
  const invalid = (message: string) => new InvalidRequest('query', [query], message);

  const parseOr = (): QueryNode => {
    const children = [parseAnd()];
    while (tokens[position] === 'OR') {
      position += 1;
      children.push(parseAnd());
    }
    return children.length === 1 ? (children[0] as QueryNode) : { kind: 'or', children };
  };
  const parseAnd = (): QueryNode => {
    const children: QueryNode[] = [];
    while (position < tokens.length && tokens[position] !== ')' && tokens[position] !== 'OR') {
      children.push(parseUnary());
    }
    if (children.length === 0) throw invalid(`There were errors processing your request: Ambiguous use of OR`);
    return children.length === 1 ? (children[0] as QueryNode) : { kind: 'and', children };
  };
  const parseUnary = (): QueryNode => {
    const token = tokens[position] as string;
    if (token.startsWith('-') && token.length > 1) {
      tokens[position] = token.slice(1);
      return { kind: 'not', child: parseAtom() };
    }
    return parseAtom();
  };
  const parseAtom = (): QueryNode => {
    const token = tokens[position] as string;
    position += 1;
    if (token === '(') {
      const inner = parseOr();
      if (tokens[position] !== ')')
        throw invalid('There were errors processing your request: Missing closing parenthesis');
      position += 1;
      return inner;
    }
    if (token.startsWith('"')) return { kind: 'phrase', text: fold(token.slice(1, -1)) };
    if (token.startsWith('#') && token.length > 1) return { kind: 'hashtag', tag: fold(token.slice(1)) };
    if (token.startsWith('@') && token.length > 1) return { kind: 'mention', username: fold(token.slice(1)) };
    const operator = /^([a-z_]+):(.+)$/.exec(token);
    if (operator) {
      const [, name = '', value = ''] = operator;
      const known =
        SUPPORTED_OPERATORS.has(name) &&
        (name !== 'is' || IS_VALUES.has(value)) &&
        (name !== 'has' || HAS_VALUES.has(value));
      if (!known) {
        throw invalid(`There were errors processing your request: Reference to invalid operator '${token}'`);
      }
      return { kind: 'operator', name, value: fold(value) };
    }
    return { kind: 'term', word: fold(token) };
  };

  if (tokens.length === 0) throw invalid('The `query` query parameter can not be empty');
  const tree = parseOr();
  if (position < tokens.length)
    throw invalid(`There were errors processing your request: Unexpected '${tokens[position]}'`);
  return tree;
}

function matches(node: QueryNode, post: XPost, author: XUser | undefined): boolean {
  switch (node.kind) {
    case 'and':
      return node.children.every((child) => matches(child, post, author));
    case 'or':
      return node.children.some((child) => matches(child, post, author));
    case 'not':
      return !matches(node.child, post, author);
    case 'term':
      return fold(post.text)
        .split(/[^\p{L}\p{N}_]+/u)
        .includes(node.word);
    case 'phrase':
      return fold(post.text).includes(node.text);
    case 'hashtag':
      return (post.entities?.hashtags ?? []).some((hashtag) => fold(hashtag.tag) === node.tag);
    case 'mention':
      return (post.entities?.mentions ?? []).some((mention) => fold(mention.username) === node.username);
    case 'operator':
      return operatorMatches(node.name, node.value, post, author);
  }
}

function operatorMatches(name: string, value: string, post: XPost, author: XUser | undefined): boolean {
  const referenced = (type: string) => (post.referenced_tweets ?? []).some((reference) => reference.type === type);
  switch (name) {
    case 'from':
      return author !== undefined && (fold(author.username) === value || author.id === value);
    case 'to':
      return post.in_reply_to_user_id === value || referenced('replied_to');
    case 'lang':
      return post.lang === value;
    case 'conversation_id':
      return post.conversation_id === value;
    case 'retweets_of':
      return referenced('retweeted') && fold(post.text).startsWith(`rt @${value}:`);
    case 'is':
      if (value === 'retweet') return referenced('retweeted');
      if (value === 'reply') return referenced('replied_to');
      if (value === 'quote') return referenced('quoted');
      return author?.verified === true;
    default:
      if (value === 'links') return (post.entities?.urls?.length ?? 0) > 0;
      if (value === 'hashtags') return (post.entities?.hashtags?.length ?? 0) > 0;
      if (value === 'mentions') return (post.entities?.mentions?.length ?? 0) > 0;
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Parameters

type Params = URLSearchParams;

function rejectUnknown(params: Params, allowed: readonly string[]): void {
  for (const name of params.keys()) {
    if (!allowed.includes(name)) {
      throw new InvalidRequest(
        name,
        [params.get(name) ?? ''],
        `The query parameter [${name}] is not one of [${allowed.join(',')}]`,
      );
    }
  }
}

function listParam(params: Params, name: string, allowed: readonly string[]): Set<string> {
  const raw = params.get(name);
  if (raw === null) return new Set();
  const values = raw.split(',');
  const wrong = values.filter((value) => !allowed.includes(value));
  if (wrong.length > 0) {
    throw new InvalidRequest(
      name,
      wrong,
      `The \`${name}\` query parameter value [${wrong[0]}] is not one of [${allowed.join(',')}]`,
    );
  }
  return new Set(values);
}

function maxResultsParam(params: Params, min: number, max: number, fallback: number): number {
  const raw = params.get('max_results');
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) {
    throw new InvalidRequest(
      'max_results',
      [raw],
      `The \`max_results\` query parameter value [${raw}] is not between ${min} and ${max}`,
    );
  }
  return value;
}

function idParam(params: Params, name: string): string | null {
  const raw = params.get(name);
  if (raw !== null && !/^\d{1,19}$/.test(raw)) {
    throw new InvalidRequest(
      name,
      [raw],
      `The \`${name}\` query parameter value [${raw}] does not match ^[0-9]{1,19}$`,
    );
  }
  return raw;
}

function timeParam(params: Params, name: string): number | null {
  const raw = params.get(name);
  if (raw === null) return null;
  const value = Date.parse(raw);
  if (Number.isNaN(value) || !/^\d{4}-\d{2}-\d{2}T/.test(raw)) {
    throw new InvalidRequest(name, [raw], `Invalid '${name}':'${raw}'. '${name}' must be a valid RFC 3339 date`);
  }
  return value;
}

interface Projection {
  tweetFields: Set<string>;
  userFields: Set<string>;
  expansions: Set<string>;
}

function projectPost(post: XPost, fields: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: post.id, text: post.text, edit_history_tweet_ids: [post.id] };
  for (const field of fields) {
    const value = (post as unknown as Record<string, unknown>)[field];
    if (value !== undefined) out[field] = value;
  }
  return out;
}

function projectUser(user: XUser, fields: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: user.id, name: user.name, username: user.username };
  for (const field of fields) {
    const value = (user as unknown as Record<string, unknown>)[field];
    if (value !== undefined) out[field] = value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

interface ScriptStep {
  reply: FakeXReply;
  remaining: number;
  endpoint: XEndpoint | null;
  when: ((url: URL) => boolean) | null;
  delayMs: number | null;
}

interface PageCursor {
  signature: string;
  offset: number;
}

export async function startFakeX(options: FakeXOptions = {}): Promise<FakeX> {
  const corpus: XCorpus = options.corpus ?? seededXCorpus();
  const bearerTokens = new Set(options.bearerTokens ?? [FAKE_X_BEARER_TOKEN]);
  const requests: RecordedExchange[] = [];
  const steps: ScriptStep[] = [];
  const cursors = new Map<string, PageCursor>();
  const served = { posts: 0, users: 0 };
  let latencyMs = options.latencyMs ?? 0;

  const limits = new Map<XEndpoint, XRateLimitState>();
  const rateLimit = (endpoint: XEndpoint): XRateLimitState => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    let state = limits.get(endpoint);
    if (!state || state.reset <= nowSeconds) {
      const limit = state?.limit ?? options.rateLimits?.[endpoint] ?? X_DEFAULT_RATE_LIMITS[endpoint];
      state = { limit, remaining: limit, reset: nowSeconds + WINDOW_SECONDS };
      limits.set(endpoint, state);
    }
    return state;
  };

  const usersById = () => new Map(corpus.users.map((user) => [user.id, user]));
  const sortedPosts = () => [...corpus.posts].sort((a, b) => compareIds(b.id, a.id));

  const nextStep = (endpoint: XEndpoint, url: URL): ScriptStep | null => {
    const position = steps.findIndex(
      (step) => (step.endpoint === null || step.endpoint === endpoint) && (step.when === null || step.when(url)),
    );
    const step = steps[position];
    if (!step) return null;
    step.remaining -= 1;
    if (step.remaining === 0) steps.splice(position, 1);
    return step;
  };

  const rateHeaders = (state: XRateLimitState): Record<string, string> => ({
    'x-rate-limit-limit': String(state.limit),
    'x-rate-limit-remaining': String(state.remaining),
    'x-rate-limit-reset': String(state.reset),
  });

  const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string>) => {
    const text = JSON.stringify(body);
    const problem = status >= 400 && status !== 400;
    response.writeHead(status, {
      ...headers,
      'content-type': problem ? 'application/problem+json' : 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    response.end(text);
  };

  const problem = (status: XErrorStatus, title = TITLES[status], detail = title) => ({
    title,
    detail,
    type: 'about:blank',
    status,
  });

  const withIncludes = (page: XPost[], projection: Projection, body: Record<string, unknown>) => {
    const authors = usersById();
    const users = new Map<string, XUser>();
    const tweets = new Map<string, XPost>();
    const byId = new Map(corpus.posts.map((post) => [post.id, post]));
    const addUser = (id: string | undefined) => {
      const user = id === undefined ? undefined : authors.get(id);
      if (user) users.set(user.id, user);
    };
    for (const post of page) {
      if (projection.expansions.has('author_id')) addUser(post.author_id);
      if (projection.expansions.has('in_reply_to_user_id')) addUser(post.in_reply_to_user_id);
      if (projection.expansions.has('entities.mentions.username')) {
        for (const mention of post.entities?.mentions ?? []) addUser(mention.id);
      }
      if (projection.expansions.has('referenced_tweets.id')) {
        for (const reference of post.referenced_tweets ?? []) {
          const referenced = byId.get(reference.id);
          if (!referenced) continue;
          tweets.set(referenced.id, referenced);
          if (projection.expansions.has('referenced_tweets.id.author_id')) addUser(referenced.author_id);
        }
      }
    }
    const includes: Record<string, unknown> = {};
    if (users.size > 0) includes.users = [...users.values()].map((user) => projectUser(user, projection.userFields));
    if (tweets.size > 0) {
      includes.tweets = [...tweets.values()].map((post) => projectPost(post, projection.tweetFields));
    }
    served.users += users.size;
    served.posts += tweets.size;
    if (Object.keys(includes).length > 0) body.includes = includes;
    return body;
  };

  const projectionOf = (params: Params, expansions: readonly string[]): Projection => {
    return {
      tweetFields: listParam(params, 'tweet.fields', TWEET_FIELDS),
      userFields: listParam(params, 'user.fields', USER_FIELDS),
      expansions: listParam(params, 'expansions', expansions),
    };
  };

  /** One page of posts, newest first, with X's meta and an opaque token for the next page. */
  const timelinePage = (
    posts: XPost[],
    params: Params,
    signature: string,
    maxResults: number,
    tokenParameter: 'next_token' | 'pagination_token',
    projection: Projection,
  ) => {
    const token = params.get('next_token') ?? params.get('pagination_token');
    let offset = 0;
    if (token !== null) {
      const cursor = cursors.get(token);
      if (!cursor || cursor.signature !== signature) {
        throw new InvalidRequest(
          tokenParameter,
          [token],
          `The \`${tokenParameter}\` query parameter value [${token}] is not valid`,
        );
      }
      offset = cursor.offset;
    }
    const page = posts.slice(offset, offset + maxResults);
    const meta: Record<string, unknown> = { result_count: page.length };
    if (page.length > 0) {
      meta.newest_id = page[0]?.id;
      meta.oldest_id = page.at(-1)?.id;
    }
    if (offset + maxResults < posts.length) {
      const next = createHash('sha256')
        .update(`${signature}\n${offset + maxResults}`)
        .digest('hex')
        .slice(0, 44);
      cursors.set(next, { signature, offset: offset + maxResults });
      meta.next_token = next;
    }
    served.posts += page.length;
    const body: Record<string, unknown> = {};
    if (page.length > 0) body.data = page.map((post) => projectPost(post, projection.tweetFields));
    body.meta = meta;
    return withIncludes(page, projection, body);
  };

  const windowFilter = (params: Params, earliestAllowed: number | null) => {
    const sinceId = idParam(params, 'since_id');
    const untilId = idParam(params, 'until_id');
    const startTime = timeParam(params, 'start_time');
    const endTime = timeParam(params, 'end_time');
    if (earliestAllowed !== null && startTime !== null && startTime < earliestAllowed) {
      const raw = params.get('start_time') ?? '';
      throw new InvalidRequest(
        'start_time',
        [raw],
        `Invalid 'start_time':'${raw}'. 'start_time' must be on or after ${new Date(earliestAllowed).toISOString()}`,
      );
    }
    return (post: XPost) => {
      const at = Date.parse(post.created_at);
      return (
        (sinceId === null || compareIds(post.id, sinceId) > 0) &&
        (untilId === null || compareIds(post.id, untilId) < 0) &&
        (startTime === null || at >= startTime) &&
        (endTime === null || at < endTime) &&
        (earliestAllowed === null || at >= earliestAllowed)
      );
    };
  };

  const searchRecent = (params: Params) => {
    rejectUnknown(params, [
      'query',
      'max_results',
      'next_token',
      'pagination_token',
      'since_id',
      'until_id',
      'start_time',
      'end_time',
      'sort_order',
      'tweet.fields',
      'user.fields',
      'expansions',
      ...OTHER_FIELD_PARAMETERS,
    ]);
    const query = params.get('query');
    if (query === null) throw new InvalidRequest('query', [], 'The `query` query parameter can not be empty');
    if (query.length > 512) {
      throw new InvalidRequest('query', [query], `The \`query\` query parameter value is longer than 512 characters`);
    }
    const tree = parseQuery(query);
    const maxResults = maxResultsParam(params, 10, 100, 10);
    const projection = projectionOf(params, TWEET_EXPANSIONS);
    const inWindow = windowFilter(params, Date.now() - RECENT_SEARCH_DAYS * 86_400_000);
    const authors = usersById();
    const found = sortedPosts().filter((post) => inWindow(post) && matches(tree, post, authors.get(post.author_id)));
    const signature = [
      'search',
      query,
      ...['since_id', 'until_id', 'start_time', 'end_time'].map((name) => params.get(name)),
    ].join('\n');
    return timelinePage(found, params, signature, maxResults, 'next_token', projection);
  };

  const userTimeline = (userId: string, params: Params) => {
    rejectUnknown(params, [
      'max_results',
      'pagination_token',
      'since_id',
      'until_id',
      'start_time',
      'end_time',
      'exclude',
      'tweet.fields',
      'user.fields',
      'expansions',
      ...OTHER_FIELD_PARAMETERS,
    ]);
    if (!/^\d{1,19}$/.test(userId)) {
      throw new InvalidRequest(
        'id',
        [userId],
        `The \`id\` query parameter value [${userId}] does not match ^[0-9]{1,19}$`,
      );
    }
    const maxResults = maxResultsParam(params, 5, 100, 10);
    const exclude = listParam(params, 'exclude', ['replies', 'retweets']);
    const projection = projectionOf(params, TWEET_EXPANSIONS);
    const inWindow = windowFilter(params, null);
    if (!usersById().has(userId)) {
      return { errors: [notFound('id', userId, `Could not find user with id: [${userId}].`)] };
    }
    const excluded = (post: XPost) =>
      (post.referenced_tweets ?? []).some(
        (reference) =>
          (exclude.has('retweets') && reference.type === 'retweeted') ||
          (exclude.has('replies') && reference.type === 'replied_to'),
      );
    const posts = sortedPosts().filter((post) => post.author_id === userId && inWindow(post) && !excluded(post));
    const signature = ['timeline', userId, ...[...exclude].sort()].join('\n');
    return timelinePage(posts, params, signature, maxResults, 'pagination_token', projection);
  };

  const notFound = (parameter: string, value: string, detail: string) => ({
    value,
    detail,
    title: 'Not Found Error',
    resource_type: 'user',
    parameter,
    resource_id: value,
    type: 'https://api.twitter.com/2/problems/resource-not-found',
  });

  const lookupUsers = (params: Params, parameter: 'usernames' | 'ids') => {
    rejectUnknown(params, [parameter, 'user.fields', 'expansions', 'tweet.fields']);
    const raw = params.get(parameter);
    if (raw === null || raw === '') {
      throw new InvalidRequest(parameter, [], `The \`${parameter}\` query parameter can not be empty`);
    }
    const values = raw.split(',');
    if (values.length > 100) {
      throw new InvalidRequest(
        parameter,
        [raw],
        `The number of values in the \`${parameter}\` query parameter list [${values.length}] is not between 1 and 100`,
      );
    }
    const pattern = parameter === 'usernames' ? /^[A-Za-z0-9_]{1,15}$/ : /^\d{1,19}$/;
    for (const value of values) {
      if (!pattern.test(value)) {
        throw new InvalidRequest(
          parameter,
          [value],
          `The \`${parameter}\` query parameter value [${value}] does not match ${pattern.source}`,
        );
      }
    }
    const projection = projectionOf(params, USER_EXPANSIONS);
    const found: XUser[] = [];
    const errors: unknown[] = [];
    for (const value of values) {
      const user = corpus.users.find((candidate) =>
        parameter === 'ids' ? candidate.id === value : candidate.username.toLowerCase() === value.toLowerCase(),
      );
      if (user) found.push(user);
      else errors.push(notFound(parameter, value, `Could not find user with ${parameter}: [${value}].`));
    }
    served.users += found.length;
    const body: Record<string, unknown> = {};
    if (found.length > 0) body.data = found.map((user) => projectUser(user, projection.userFields));
    if (errors.length > 0) body.errors = errors;
    return body;
  };

  const route = (path: string): { endpoint: XEndpoint; userId?: string } | null => {
    if (path === '/2/tweets/search/recent') return { endpoint: path };
    if (path === '/2/users/by') return { endpoint: path };
    if (path === '/2/users') return { endpoint: path };
    const timeline = /^\/2\/users\/([^/]+)\/tweets$/.exec(path);
    if (timeline) return { endpoint: '/2/users/:id/tweets', userId: decodeURIComponent(timeline[1] ?? '') };
    return null;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://fake-x');
    const target = route(url.pathname);
    if (!target || request.method !== 'GET') {
      send(response, 404, problem(404, 'Not Found Error', 'The requested resource could not be found.'), {});
      return;
    }
    const state = rateLimit(target.endpoint);
    const authorization = request.headers.authorization ?? '';
    const token = authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : null;
    if (token === null || !bearerTokens.has(token)) {
      await server.wait(latencyMs);
      send(response, 401, problem(401), rateHeaders(state));
      return;
    }
    if (state.remaining === 0) {
      await server.wait(latencyMs);
      send(response, 429, problem(429), rateHeaders(state));
      return;
    }
    state.remaining -= 1;
    const step = nextStep(target.endpoint, url);
    await server.wait(step?.delayMs ?? latencyMs);
    const reply = step?.reply;
    if (reply?.kind === 'hang') {
      await new Promise<void>((resolve) => response.on('close', resolve));
      return;
    }
    if (reply?.kind === 'rate_limited') {
      state.remaining = 0;
      state.reset = Math.floor(Date.now() / 1000) + reply.resetInSeconds;
      send(response, 429, problem(429), rateHeaders(state));
      return;
    }
    if (reply?.kind === 'error') {
      send(response, reply.status, problem(reply.status, reply.title, reply.detail), rateHeaders(state));
      return;
    }
    if (reply?.kind === 'body') {
      send(response, reply.status ?? 200, reply.body, rateHeaders(state));
      return;
    }
    if (reply?.kind === 'invalid_json') {
      response.writeHead(200, { ...rateHeaders(state), 'content-type': 'application/json; charset=utf-8' });
      response.end('{"data":[{"id":"1","text":"cortado a la mit');
      return;
    }
    try {
      const params = url.searchParams;
      const body =
        target.endpoint === '/2/tweets/search/recent'
          ? searchRecent(params)
          : target.endpoint === '/2/users/by'
            ? lookupUsers(params, 'usernames')
            : target.endpoint === '/2/users'
              ? lookupUsers(params, 'ids')
              : userTimeline(target.userId ?? '', params);
      send(response, 200, body, rateHeaders(state));
    } catch (error) {
      if (!(error instanceof InvalidRequest)) throw error;
      send(
        response,
        400,
        {
          errors: [{ parameters: { [error.parameter]: error.values }, message: error.message }],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        },
        rateHeaders(state),
      );
    }
  };

  const server = await startLoopbackServer(handle, requests);

  return {
    url: server.url,
    corpus,
    addPosts(posts) {
      corpus.posts.push(...posts);
    },
    addUsers(users) {
      corpus.users.push(...users);
    },
    script(reply, { times = 1, endpoint, when, delayMs } = {}) {
      if (!Number.isInteger(times) || times < 1) throw new Error('times must be a positive integer');
      steps.push({ reply, remaining: times, endpoint: endpoint ?? null, when: when ?? null, delayMs: delayMs ?? null });
    },
    setRateLimit(endpoint, { limit, remaining, resetInSeconds = WINDOW_SECONDS }) {
      const current = rateLimit(endpoint);
      limits.set(endpoint, {
        limit: limit ?? current.limit,
        remaining,
        reset: Math.floor(Date.now() / 1000) + resetInSeconds,
      });
    },
    rateLimit: (endpoint) => ({ ...rateLimit(endpoint) }),
    setLatency(ms) {
      latencyMs = ms;
    },
    get served() {
      return { ...served };
    },
    requests,
    close: () => server.close(),
  };
}
