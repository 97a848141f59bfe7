import { Agent as HttpAgent } from 'node:http';
import { ProviderError } from '@castor/resilience';
import {
  ApiPartialResponseError,
  ApiRequestError,
  ApiResponseError,
  type ITwitterApiClientPlugin,
  TwitterApi,
  type TwitterApiReadOnly,
} from 'twitter-api-v2';
import { z } from 'zod';

/** Where the client sends by default: twitter-api-v2 builds every URL on this origin. */
const X_API_ORIGIN = 'https://api.x.com';
const PROVIDER = 'x';

export const X_TWEET_FIELDS = [
  'created_at',
  'author_id',
  'public_metrics',
  'lang',
  'entities',
  'conversation_id',
  'referenced_tweets',
] as const;
export const X_USER_FIELDS = [
  'created_at',
  'description',
  'location',
  'profile_image_url',
  'protected',
  'public_metrics',
  'url',
  'verified',
  'verified_type',
] as const;

// X's wire format, as far as CASTOR reads it: anything else X sends is ignored, a page missing what
// is read is a bad response (PROVIDER_BAD_RESPONSE), never half-stored.
const xUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string().optional(),
  created_at: z.string().optional(),
  description: z.string().optional(),
  location: z.string().optional(),
  profile_image_url: z.string().optional(),
  protected: z.boolean().optional(),
  url: z.string().optional(),
  verified: z.boolean().optional(),
  verified_type: z.string().optional(),
  public_metrics: z
    .object({
      followers_count: z.number().optional(),
      following_count: z.number().optional(),
      tweet_count: z.number().optional(),
      listed_count: z.number().optional(),
    })
    .optional(),
});
export type XApiUser = z.infer<typeof xUserSchema>;

const xPostSchema = z.object({
  id: z.string(),
  text: z.string(),
  author_id: z.string(),
  created_at: z.iso.datetime({ offset: true }),
  lang: z.string().optional(),
  public_metrics: z
    .object({
      retweet_count: z.number().optional(),
      reply_count: z.number().optional(),
      like_count: z.number().optional(),
      quote_count: z.number().optional(),
    })
    .optional(),
});
export type XApiPost = z.infer<typeof xPostSchema>;

const searchPageSchema = z.object({
  data: z.array(xPostSchema).optional(),
  includes: z.object({ users: z.array(xUserSchema).optional() }).optional(),
  meta: z.object({
    result_count: z.number().int(),
    newest_id: z.string().optional(),
    oldest_id: z.string().optional(),
    next_token: z.string().optional(),
  }),
});
export type XSearchPage = z.infer<typeof searchPageSchema>;

const usersPageSchema = z.object({
  data: z.array(xUserSchema).optional(),
  errors: z.array(z.object({ value: z.string().optional(), detail: z.string() })).optional(),
});
export type XUsersPage = z.infer<typeof usersPageSchema>;

/** X's rate-limit headers of the last answer, as the client read them. */
export interface XRateLimit {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

export interface XClientConfig {
  bearerToken: string;
  /** https://api.x.com, or a loopback fake in tests and offline runs. */
  baseUrl: string;
  timeoutMs: number;
}

/** The client's URLs are absolute on api.x.com: this plugin sends them to another origin instead. */
function originPlugin(origin: string): ITwitterApiClientPlugin {
  return {
    onBeforeRequestConfig({ params }) {
      if (params.url.startsWith(`${X_API_ORIGIN}/`)) params.url = `${origin}${params.url.slice(X_API_ORIGIN.length)}`;
    },
  };
}

/**
 * X API v2 through twitter-api-v2 with an app-only bearer token: one recent-search page or one
 * user lookup per call (pagination, budget and retries are the caller's), answers checked against
 * the fields CASTOR reads, failures classified as ProviderErrors.
 */
export class XClient {
  private readonly v2: TwitterApiReadOnly['v2'];

  constructor(private readonly config: XClientConfig) {
    const origin = config.baseUrl.replace(/\/+$/, '');
    const plain = origin.startsWith('http://');
    const client = new TwitterApi(config.bearerToken, {
      ...(origin === X_API_ORIGIN ? {} : { plugins: [originPlugin(origin)] }),
      // twitter-api-v2 sends with node:https; an http.Agent makes it speak plain HTTP (a loopback fake).
      ...(plain ? { httpAgent: new HttpAgent({ keepAlive: true }) } : {}),
    });
    this.v2 = client.readOnly.v2;
  }

  async searchRecent(params: {
    query: string;
    maxResults: number;
    sinceId?: string | undefined;
    nextToken?: string | undefined;
  }): Promise<{ page: XSearchPage; rateLimit: XRateLimit | undefined }> {
    const response = await this.v2.get(
      'tweets/search/recent',
      {
        query: params.query,
        max_results: params.maxResults,
        ...(params.sinceId ? { since_id: params.sinceId } : {}),
        ...(params.nextToken ? { next_token: params.nextToken } : {}),
        'tweet.fields': X_TWEET_FIELDS.join(','),
        expansions: 'author_id',
        'user.fields': X_USER_FIELDS.join(','),
      },
      { fullResponse: true, timeout: this.config.timeoutMs },
    );
    return { page: parsePage(searchPageSchema, response.data), rateLimit: response.rateLimit };
  }

  async usersByUsernames(
    usernames: readonly string[],
  ): Promise<{ page: XUsersPage; rateLimit: XRateLimit | undefined }> {
    const response = await this.v2.get(
      'users/by',
      { usernames: usernames.join(','), 'user.fields': X_USER_FIELDS.join(',') },
      { fullResponse: true, timeout: this.config.timeoutMs },
    );
    return { page: parsePage(usersPageSchema, response.data), rateLimit: response.rateLimit };
  }
}

function parsePage<T>(schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProviderError(
      'PROVIDER_BAD_RESPONSE',
      PROVIDER,
      `X answered a page CASTOR cannot read (${issue?.path.join('.') || 'body'}: ${issue?.message})`,
    );
  }
  return parsed.data;
}

/** Milliseconds until an X rate-limit window resets (a little after, so the retry lands in the new window). */
export const untilReset = (resetEpochSeconds: number, now = Date.now()) =>
  Math.max(0, resetEpochSeconds * 1000 - now) + 250;

/**
 * What a twitter-api-v2 failure means for CASTOR: 401/403 the token (never retried), 429 a rate
 * limit with its reset, 5xx unavailability, 400 a query X refuses, a body that is not JSON a bad
 * response, no answer at all unavailability.
 */
export function classifyXError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof ApiResponseError) {
    const detail = error.data?.detail ?? error.data?.title ?? error.message;
    const status = error.code;
    if (status === 401 || status === 403) {
      return new ProviderError(
        'PROVIDER_AUTH_FAILED',
        PROVIDER,
        `X refused the bearer token (${status} ${detail}): check TWITTER_BEARER_TOKEN`,
        { status, cause: error },
      );
    }
    if (status === 429) {
      const reset = error.rateLimit?.reset;
      return new ProviderError('PROVIDER_RATE_LIMITED', PROVIDER, `X rate limit reached (${detail})`, {
        status,
        ...(reset === undefined ? {} : { retryAfterMs: untilReset(reset) }),
        cause: error,
      });
    }
    if (status >= 500) {
      return new ProviderError('PROVIDER_UNAVAILABLE', PROVIDER, `X is unavailable (${status} ${detail})`, {
        status,
        cause: error,
      });
    }
    return new ProviderError('PROVIDER_REJECTED', PROVIDER, `X refused the request (${status} ${detail})`, {
      status,
      cause: error,
    });
  }
  if (error instanceof ApiPartialResponseError) {
    return new ProviderError(
      'PROVIDER_BAD_RESPONSE',
      PROVIDER,
      `X answered a body that is not JSON: ${error.message}`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof ApiRequestError) {
    return new ProviderError('PROVIDER_UNAVAILABLE', PROVIDER, `X did not answer: ${error.requestError.message}`, {
      cause: error,
    });
  }
  return new ProviderError('PROVIDER_UNAVAILABLE', PROVIDER, `X call failed: ${String(error)}`, { cause: error });
}
