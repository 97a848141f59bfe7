import {
  corporationSchema,
  decimalIntegerSchema,
  electionCodeSchema,
  errorResponseSchema,
  territoryCodeSchema,
} from '@castor/contracts';
import type { RateSpec, ServicePlugin } from '@castor/service-kit';
import { z } from 'zod';
import type { ForensicsService } from './forensics.service.js';

const readerRoles = { roles: ['admin', 'analyst', 'reviewer', 'viewer'] } as const;

/** `/api/forensics`: the dashboard's forensic views of the reconciled mesas. */
export const forensicsRoutes: ServicePlugin<{
  forensics: Pick<ForensicsService, 'fingerprint'>;
  rate: RateSpec;
}> = async (app, { forensics, rate }) => {
  app.get(
    '/fingerprint',
    {
      config: { auth: readerRoles, rateLimit: { max: rate.max, timeWindow: rate.windowMs } },
      schema: {
        tags: ['forensics'],
        summary:
          "Turnout × winner-share histogram (Klimek et al. 2012) of a territory's reconciled mesas, for the dashboard",
        querystring: z.object({
          election: electionCodeSchema,
          corporation: corporationSchema,
          territory: territoryCodeSchema.default(''),
          bins: decimalIntegerSchema({ min: 5, max: 100 }).default(20),
        }),
        response: {
          200: z.object({
            winnerCandidateId: z.number().int().nullable(),
            bins: z.number().int(),
            mesas: z.number().int(),
            histogram: z.array(z.array(z.number())).describe('histogram[turnoutBin][shareBin] = mesas'),
          }),
          404: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const { election, corporation, territory, bins } = request.query;
      return forensics.fingerprint(election, corporation, territory, bins);
    },
  );
};
