import { z } from 'zod';

/** The body of every error answer (docs/api.md "Errors"). */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.string().meta({ examples: ['validation_error'] }),
      message: z.string(),
      details: z
        .array(z.object({ field: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'For 400: one entry per bad field.' }),
    }),
  })
  .meta({ id: 'Error', description: 'The shape of every error answer.' });

/** What each error status means, for the document's error responses. */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: `details` lists each bad field',
  401: 'No or bad credentials',
  402: 'The account tier does not include this',
  403: 'Not allowed for your role',
  404: 'No such route, or no such resource of yours',
  409: 'The current state forbids it',
  413: 'The body is over 256 KiB',
  415: 'The body is not application/json',
  429: 'Too many attempts: wait and retry',
  500: 'Server fault',
  503: 'The database does not answer or the document is reloading: retry',
};
