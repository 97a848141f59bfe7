import {
  campaignCandidateListSchema,
  campaignCandidateParamsSchema,
  campaignCandidateSchema,
  createCampaignCandidateSchema,
} from '@castor/contracts';
import { httpError, type ServicePlugin } from '@castor/service-kit';
import type { CandidatesRepository } from './candidates.repository.js';

const readers = { auth: { roles: ['admin', 'analyst', 'viewer'] } } as const;
const editors = { auth: { roles: ['admin', 'analyst'] } } as const;

/** `/api/campaign/candidates`: the campaign's candidate and its rivals, with what is followed for each. */
export const candidatesRoutes: ServicePlugin<{ repository: CandidatesRepository }> = async (app, { repository }) => {
  app.get(
    '/',
    {
      config: readers,
      schema: {
        tags: ['campaign'],
        summary:
          "The campaign's own candidate first, then the rivals, each with its tracked terms, hashtags and accounts",
        response: { 200: campaignCandidateListSchema },
      },
    },
    async () => ({ candidates: await repository.list() }),
  );

  app.get(
    '/:slug',
    {
      config: readers,
      schema: {
        tags: ['campaign'],
        summary: 'One candidate with its tracked queries',
        params: campaignCandidateParamsSchema,
        response: { 200: campaignCandidateSchema },
      },
    },
    async (request) => {
      const candidate = await repository.findBySlug(request.params.slug);
      if (!candidate) throw httpError('CANDIDATE_UNKNOWN', `No candidate is followed as "${request.params.slug}"`);
      return candidate;
    },
  );

  app.post(
    '/',
    {
      config: editors,
      schema: {
        tags: ['campaign'],
        summary:
          'Follow a candidate (own or rival) with the terms, hashtags and accounts that say a post is about them; a known slug answers 409',
        body: createCampaignCandidateSchema,
        response: { 201: campaignCandidateSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const id = await repository.create({
        slug: body.slug,
        name: body.name,
        party: body.party ?? null,
        own: body.own,
        color: body.color ?? null,
        queries: body.queries,
      });
      if (id === undefined) throw httpError('CANDIDATE_EXISTS', `A candidate is already followed as "${body.slug}"`);
      reply.code(201);
      return repository.findBySlug(body.slug);
    },
  );
};
