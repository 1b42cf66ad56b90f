import { z } from 'zod';
import type { RouteDoc } from '../openapi/route-doc';
import {
  addMemberBody,
  consentBody,
  createTeamBody,
  dateRangeQuery,
  listAlertsQuery,
  memberRoleBody,
  runAlertsBody,
  teamSettingsBody,
} from './team-schemas';
import { TEAM_ROLES } from './team-access';

const uuid = z.string().meta({ format: 'uuid' });
const teamId = z.object({ id: uuid });
const teamMember = z.object({ id: uuid, userId: uuid });
// The query schema's defaults depend on today; the document only needs its shape.
const rangeQuery = dateRangeQuery(30, () => new Date(0));

const teamSchema = z
  .looseObject({
    id: uuid,
    name: z.string(),
    owner_id: uuid,
    settings: z.record(z.string(), z.unknown()),
    created_at: z.string(),
  })
  .meta({ id: 'Team' });

const memberSchema = z
  .looseObject({
    id: uuid,
    team_id: uuid,
    user_id: uuid,
    email: z.string(),
    role: z.enum(TEAM_ROLES),
    data_sharing_consent: z.boolean(),
    individual_alerts_opt_in: z.boolean(),
    joined_at: z.string(),
  })
  .meta({ id: 'TeamMember' });

const invitationSchema = z
  .object({
    id: uuid,
    team_id: uuid,
    email: z.string(),
    role: z.enum(TEAM_ROLES),
    status: z.literal('pending'),
    invited_by: uuid,
    created_at: z.string(),
    expires_at: z.string(),
  })
  .meta({ id: 'TeamInvitation' });

const receivedInvitationSchema = z
  .object({
    id: uuid,
    team_id: uuid,
    team_name: z.string(),
    role: z.enum(TEAM_ROLES),
    invited_by_name: z.string().nullable(),
    created_at: z.string(),
    expires_at: z.string(),
  })
  .meta({ id: 'ReceivedTeamInvitation' });

const invitationParams = z.object({ invitationId: uuid });

const alertList = z.object({ alerts: z.array(z.record(z.string(), z.unknown())) });

/** `/api/teams/*` (team-routes.ts). Paid routes answer 402 below the premium tier. */
export const teamRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/',
    summary: 'Create a team (you become its admin)',
    body: createTeamBody,
    responses: { 201: { description: 'The team', schema: teamSchema } },
    errors: [402],
  },
  {
    method: 'get',
    path: '/',
    summary: 'Your teams (any tier)',
    responses: {
      200: {
        description: 'Teams you are in, with your role and consent',
        schema: z.object({
          teams: z.array(
            z.looseObject({
              id: uuid,
              name: z.string(),
              owner_id: uuid,
              created_at: z.string(),
              role: z.enum(TEAM_ROLES),
              data_sharing_consent: z.boolean(),
              individual_alerts_opt_in: z.boolean(),
            }),
          ),
        }),
      },
    },
  },
  {
    method: 'get',
    path: '/:id',
    summary: 'One team (members; admins also see the member list)',
    params: teamId,
    responses: {
      200: {
        description: 'The team with your role and consent',
        schema: teamSchema.extend({ role: z.enum(TEAM_ROLES), data_sharing_consent: z.boolean() }),
      },
    },
    errors: [402, 404],
  },
  {
    method: 'put',
    path: '/:id/settings',
    summary: 'Change burnout thresholds (admin)',
    params: teamId,
    body: teamSettingsBody,
    responses: {
      200: {
        description: 'The whole set now in force',
        schema: z.object({
          settings: z.object({ burnout_thresholds: z.record(z.string(), z.unknown()) }),
        }),
      },
    },
    errors: [402, 403, 404],
  },
  {
    method: 'post',
    path: '/:id/members',
    summary: 'Invite someone by email (admin)',
    description:
      'Creates (or renews) an invitation the owner of the address accepts or declines; nobody joins without accepting. Whether an account uses the address is never looked up, so the answer is the same for any address. 409 for the address of a member; 429 over TEAM_INVITE_RATE_LIMIT_MAX invitations per TEAM_INVITE_RATE_LIMIT_WINDOW_S, counted per inviter in the database.',
    params: teamId,
    body: addMemberBody,
    responses: { 201: { description: 'The invitation', schema: invitationSchema } },
    errors: [402, 403, 404, 409, 429],
  },
  {
    method: 'get',
    path: '/:id/invitations',
    summary: "The team's pending invitations (admin)",
    params: teamId,
    responses: {
      200: {
        description: 'Invitations that can still be accepted, newest first',
        schema: z.object({ invitations: z.array(invitationSchema) }),
      },
    },
    errors: [402, 403, 404],
  },
  {
    method: 'delete',
    path: '/:id/invitations/:invitationId',
    summary: 'Withdraw an invitation (admin)',
    params: z.object({ id: uuid, invitationId: uuid }),
    responses: { 204: { description: 'Withdrawn' } },
    errors: [402, 403, 404],
  },
  {
    method: 'get',
    path: '/invitations',
    summary: 'Invitations to your address (any tier)',
    responses: {
      200: {
        description: 'Invitations you can accept, newest first',
        schema: z.object({ invitations: z.array(receivedInvitationSchema) }),
      },
    },
  },
  {
    method: 'post',
    path: '/invitations/:invitationId/accept',
    summary: 'Accept an invitation to your address: you join the team (no consent given)',
    params: invitationParams,
    responses: { 200: { description: 'Your new membership', schema: memberSchema } },
    errors: [404],
  },
  {
    method: 'post',
    path: '/invitations/:invitationId/decline',
    summary: 'Decline an invitation to your address',
    params: invitationParams,
    responses: { 204: { description: 'Declined (deleted)' } },
    errors: [404],
  },
  {
    method: 'put',
    path: '/:id/consent',
    summary: 'Give or withdraw your consent (withdrawing works on any tier)',
    params: teamId,
    body: consentBody,
    responses: { 200: { description: 'Your membership', schema: memberSchema } },
    errors: [402, 404, 409],
  },
  {
    method: 'delete',
    path: '/:id/members/:userId',
    summary: 'Remove a member (admin), or leave (yourself, any tier)',
    params: teamMember,
    responses: { 204: { description: 'Removed' } },
    errors: [402, 403, 404, 409],
  },
  {
    method: 'put',
    path: '/:id/members/:userId',
    summary: "Change a member's role (admin)",
    params: teamMember,
    body: memberRoleBody,
    responses: { 200: { description: 'The member', schema: memberSchema } },
    errors: [402, 403, 404, 409],
  },
  {
    method: 'get',
    path: '/:id/analytics',
    summary: 'Daily aggregates of consenting members, burnout indicators, suggestions',
    description:
      'Days are YYYY-MM-DD (UTC days); the last 30 days by default, at most 366. A day with fewer than TEAM_MIN_GROUP_SIZE consenting contributors is left out.',
    params: teamId,
    query: rangeQuery,
    responses: {
      200: {
        description: 'The analytics',
        schema: z.object({
          daily_metrics: z.array(
            z.looseObject({
              date: z.string(),
              average_focus: z.number().nullable(),
              average_session_minutes: z.number().nullable(),
              session_count: z.number(),
              flow_periods: z.number().nullable(),
            }),
          ),
          burnout_indicators: z.array(z.record(z.string(), z.unknown())),
          optimization_suggestions: z.array(z.record(z.string(), z.unknown())),
        }),
      },
    },
    errors: [402, 404],
  },
  {
    method: 'get',
    path: '/:id/insights',
    summary: 'Team optimisation suggestions (last 28 days by default)',
    params: teamId,
    query: rangeQuery,
    responses: {
      200: {
        description: 'Suggestions with the data they rest on',
        schema: z.object({
          suggestions: z.array(z.record(z.string(), z.unknown())),
          range: z.object({ start: z.string(), end: z.string() }),
        }),
      },
    },
    errors: [402, 404],
  },
  {
    method: 'post',
    path: '/:id/alerts',
    summary: 'Run burnout detection now (admin)',
    params: teamId,
    body: runAlertsBody,
    bodyRequired: false,
    responses: { 200: { description: 'The alerts of that week', schema: alertList } },
    errors: [402, 403, 404],
  },
  {
    method: 'get',
    path: '/:id/alerts',
    summary: 'Past burnout alerts (members)',
    params: teamId,
    query: listAlertsQuery,
    responses: { 200: { description: 'Newest first', schema: alertList } },
    errors: [402, 404],
  },
];
