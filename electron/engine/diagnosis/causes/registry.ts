import type { CauseHypothesis } from '../hypothesis.js';
import { applicationError } from './application-error.js';
import { connectionLimit } from './connection-limit.js';
import { dnsFailure } from './dns-failure.js';
import { firewallDrop } from './firewall-drop.js';
import { firewallReset } from './firewall-reset.js';
import { hostUnreachable } from './host-unreachable.js';
import { idleTimeout } from './idle-timeout.js';
import { mtuBlackhole } from './mtu-blackhole.js';
import { packetLoss } from './packet-loss.js';
import { portClosed } from './port-closed.js';
import { requestTimeout } from './request-timeout.js';
import { serverCrash } from './server-crash.js';
import { serverReset } from './server-reset.js';

/**
 * Every fault the diagnosis can name, each weighed against the same observations. `healthy` and
 * `inconclusive` are not hypotheses of their own: they are what is left when none stands, or none
 * stands out (see diagnose.ts).
 */
export const CAUSES: CauseHypothesis[] = [
  dnsFailure,
  hostUnreachable,
  portClosed,
  firewallDrop,
  firewallReset,
  serverReset,
  applicationError,
  requestTimeout,
  idleTimeout,
  serverCrash,
  packetLoss,
  mtuBlackhole,
  connectionLimit,
];
