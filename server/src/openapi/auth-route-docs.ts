import { z } from 'zod';
import type { RouteDoc } from './route-doc';

/**
 * The better-auth routes a client needs, served by one catch-all route
 * (`/api/auth/*splat`). better-auth names its own fields in camelCase; this
 * server also accepts and answers the snake_case spellings.
 */
const userSchema = z
  .looseObject({
    id: z.string().meta({ format: 'uuid' }),
    email: z.string(),
    name: z.string(),
    emailVerified: z.boolean(),
    image: z.string().nullable().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    subscriptionTier: z.string(),
    timezone: z.string(),
  })
  .meta({ id: 'AuthUser', description: 'better-auth user (camelCase, as better-auth names it)' });

const tokenHeader = {
  'set-auth-token': 'The bearer token for `Authorization: Bearer <token>`',
};

const timezone = z.string().meta({ description: 'IANA time zone, e.g. Europe/Berlin' });

export const authRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/sign-up/email',
    summary: 'Create an account',
    auth: 'public',
    body: z.object({
      email: z.email(),
      password: z.string().min(8).max(128),
      name: z.string(),
      timezone: timezone.optional(),
      image: z.string().optional(),
      callbackURL: z.string().optional(),
      rememberMe: z.boolean().optional(),
    }),
    responses: {
      200: {
        description: 'Signed up and signed in',
        schema: z.object({ token: z.string().nullable(), user: userSchema }),
        headers: tokenHeader,
      },
    },
    errors: [422, 429],
  },
  {
    method: 'post',
    path: '/sign-in/email',
    summary: 'Sign in',
    auth: 'public',
    body: z.object({
      email: z.email(),
      password: z.string(),
      rememberMe: z.boolean().optional(),
      callbackURL: z.string().optional(),
    }),
    responses: {
      200: {
        description: 'Signed in',
        schema: z.looseObject({ token: z.string(), user: userSchema }),
        headers: tokenHeader,
      },
    },
    errors: [429],
  },
  {
    method: 'post',
    path: '/sign-out',
    summary: 'Sign out (the token stops working)',
    responses: { 200: { description: 'Signed out', schema: z.object({ success: z.boolean() }) } },
  },
  {
    method: 'get',
    path: '/get-session',
    summary: 'The current session and user, or null',
    auth: 'public',
    responses: {
      200: {
        description: 'The session',
        schema: z
          .object({ session: z.record(z.string(), z.unknown()), user: userSchema })
          .nullable(),
      },
    },
  },
  {
    method: 'post',
    path: '/update-user',
    summary: 'Change name, image or time zone',
    body: z.object({
      name: z.string().optional(),
      image: z.string().nullable().optional(),
      timezone: timezone.optional(),
    }),
    responses: { 200: { description: 'Updated', schema: z.object({ status: z.boolean() }) } },
  },
];
