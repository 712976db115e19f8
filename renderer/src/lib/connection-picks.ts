import { endedBadly, requestFirst, type ConnectionRead } from '../../../electron/shared/probe-data-decode.js';
import { isResetOf, type ResetRead } from '../../../electron/shared/reset-data-decode.js';

// Which connections the wizard draws as timelines, and which reset verdicts go under each. Connections
// are picked by their role and verdicts joined to them by id; labels are only shown.

/**
 * The connections worth a timeline: the request connection, then every one that ended badly, in run
 * order. When none qualifies, the one pickConnection() chooses. A connection with no timeline entry has
 * nothing to draw.
 */
export function connectionsToDraw(connections: ConnectionRead[]): ConnectionRead[] {
  const drawable = connections.filter((c) => c.timeline.length > 0);
  const chosen = drawable.filter((c) => c.role === 'request' || endedBadly(c)).sort(requestFirst);
  if (chosen.length > 0) return chosen;
  const one = pickConnection(drawable);
  return one ? [one] : [];
}

/** The connection the timeline shows: the reproduced request, else the first TCP connect, else the first. */
export function pickConnection(connections: ConnectionRead[]): ConnectionRead | null {
  return (
    connections.find((c) => c.role === 'request') ??
    connections.find((c) => c.role === 'connect') ??
    connections[0] ??
    null
  );
}

/**
 * The reset verdicts for this connection. Verdicts that name no connection (older reports) belong to
 * the first connection drawn.
 */
export function resetsFor(connection: ConnectionRead | null, resets: ResetRead[], first = true): ResetRead[] {
  if (!connection) return [];
  return resets.filter((r) => isResetOf(r, connection) || (first && r.connectionId === null));
}

/** The verdicts whose connection has no timeline on screen: all of them when none is drawn. */
export function resetsElsewhere(resets: ResetRead[], drawn: ConnectionRead[]): ResetRead[] {
  if (drawn.length === 0) return resets;
  return resets.filter((r) => r.connectionId !== null && !drawn.some((c) => isResetOf(r, c)));
}
