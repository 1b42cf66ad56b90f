import { randomUUID } from 'node:crypto';
import {
  OutOfOrderInputError,
  activityToFlowInput,
  buildSessionEntry,
  fromSessionActivityWire,
  sessionActivityUpdateSchema,
  storableText,
  toFlowStateResultWire,
  type FlowStateResultWire,
  type SessionEntry,
  wireInstantIso,
} from '@mindful/shared';
import { z } from 'zod';
import type { AppContext } from '../context';
import { conflict, notFound } from '../errors/domain-error';
import { parseInput } from '../errors/parse-input';
import { LiveSessions } from './live-sessions';
import { applyActivity, endSession, flowStateEntries } from './session-activity';
import { storedSession } from './session-history';
import { withPathReason } from './project-path-visibility';
import { sessionFromEntry, type SessionWire } from './session-rows';
import type { ProjectPathHiddenReason } from './session-wire-schema';

/** A session answer: the stored columns plus why `project_path` may be hidden. */
export type SessionAnswer = SessionWire & {
  project_path_hidden_reason: ProjectPathHiddenReason | null;
};

/** Body of `POST /api/sessions/start`. */
export const startSessionSchema = z.object({
  project_path: storableText(500).optional(),
  language: storableText(64).min(1).optional(),
  device_id: storableText(128).optional(),
  start_time: wireInstantIso.optional(),
});

/** Body of `PUT /api/sessions/:id/update` (timestamp optional; `user_id` and unknown fields dropped). */
export const sessionUpdateSchema = sessionActivityUpdateSchema.extend({
  timestamp: sessionActivityUpdateSchema.shape.timestamp.optional(),
});

/** Body of `POST /api/sessions/:id/end`. */
export const endSessionSchema = z.object({ end_time: wireInstantIso.optional() });

/** Session ids are UUIDs; anything else is simply not found. */
const sessionIdSchema = z.string().uuid();

/**
 * Sessions over REST. Every write goes through the user's server-side
 * document (so it reaches every replica) and resolves once logged; the
 * reconciler alone writes the rows.
 */
export class SessionService {
  readonly live = new LiveSessions();

  constructor(private readonly ctx: AppContext) {}

  async start(userId: string, body: unknown, now = new Date()): Promise<SessionAnswer> {
    const input = parseInput(startSessionSchema, body ?? {});
    const start = input.start_time ? new Date(input.start_time).toISOString() : now.toISOString();
    const entry = await this.ctx.registry.write(userId, (doc) => {
      const settings = doc.settings;
      const session = buildSessionEntry({
        id: randomUUID(),
        start_time: start,
        language_breakdown:
          input.language && settings.track_languages ? { [input.language]: 0 } : {},
        // The server enforces what the user lets leave the device, REST included.
        project_path:
          settings.sync_project_paths && settings.track_project_names
            ? (input.project_path ?? null)
            : null,
        device_id: input.device_id ?? null,
        updated_at: now.toISOString(),
      });
      doc.putSession(session);
      return session;
    });
    return this.answer(userId, entry, now);
  }

  async update(
    userId: string,
    id: string,
    body: unknown,
    now = new Date(),
  ): Promise<FlowStateResultWire> {
    const raw = parseInput(sessionUpdateSchema, body);
    const update = fromSessionActivityWire({ ...raw, timestamp: raw.timestamp ?? now.getTime() });
    const sessionId = this.sessionId(id);
    const baseline = await this.ctx.baselines.get(userId, now.getTime());
    return this.ctx.registry.write(userId, (doc) => {
      const entry = doc.getSession(sessionId);
      if (!entry) throw notFound('No such session');
      if (entry.end_time !== null) throw conflict('The session has ended; start a new one');
      const live = this.live.get(userId, entry, baseline, now.getTime());
      let result;
      try {
        result = live.detector.update(activityToFlowInput(update));
      } catch (error) {
        if (error instanceof OutOfOrderInputError) {
          throw conflict('timestamp is earlier than the previous update of this session');
        }
        throw error;
      }
      const settings = doc.settings;
      const next = applyActivity(entry, update, result, live, settings, now);
      const before = entry.flow_state_periods.length;
      doc.ydoc.transact(() => {
        doc.putSession(next);
        for (const flow of flowStateEntries(next, live.detector.periods, live, settings).slice(
          before,
        )) {
          doc.putFlowState(flow);
        }
      });
      return toFlowStateResultWire(result);
    });
  }

  async end(userId: string, id: string, body: unknown, now = new Date()): Promise<SessionAnswer> {
    const input = parseInput(endSessionSchema, body ?? {});
    const sessionId = this.sessionId(id);
    const baseline = await this.ctx.baselines.get(userId, now.getTime());
    const entry = await this.ctx.registry.write(userId, (doc) => {
      const current = doc.getSession(sessionId);
      if (!current) throw notFound('No such session');
      if (current.end_time !== null) return current; // ending twice is idempotent
      const live = this.live.get(userId, current, baseline, now.getTime());
      const endMs = input.end_time ? Date.parse(input.end_time) : now.getTime();
      const ended = endSession(current, live, endMs, now);
      const settings = doc.settings;
      doc.ydoc.transact(() => {
        doc.putSession(ended);
        const before = current.flow_state_periods.length;
        for (const flow of flowStateEntries(ended, live.detector.periods, live, settings).slice(
          before,
        )) {
          doc.putFlowState(flow);
        }
      });
      this.live.delete(userId, sessionId);
      return ended;
    });
    return this.answer(userId, entry, now);
  }

  /** The stored row once reconciled (so the answer equals what history serves). */
  private async answer(userId: string, entry: SessionEntry, now: Date): Promise<SessionAnswer> {
    await this.ctx.projection.reconcileNow(userId);
    const row = await storedSession(this.ctx.db.pool, this.ctx.cipher, userId, entry.id);
    const settings = await this.ctx.registry.use(userId, async (doc) => doc.userDoc.settings);
    return withPathReason(
      row ?? sessionFromEntry(entry, userId, settings, now.toISOString()),
      settings,
    );
  }

  private sessionId(id: string): string {
    const parsed = sessionIdSchema.safeParse(id);
    if (!parsed.success) throw notFound('No such session');
    return parsed.data.toLowerCase();
  }
}
