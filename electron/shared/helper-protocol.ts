import type { WsServerMessage } from './ws-protocol.js';

/**
 * The engine helper's stdout, one JSON object per line: what the browser mode's WebSocket carries (call
 * results and RunEvents), a hello first, and a refusal for a line that is not a call. Its stdin takes the
 * WebSocket's calls (WsClientMessage), one per line. One contract for IPC, WebSocket, CLI and helper.
 */
export type HelperMessage =
  | WsServerMessage
  | {
      type: 'hello';
      pid: number;
      /** Whether the helper holds raw sockets (capture, TTL-limited replays) and why not. */
      privileged: boolean;
      privilegeNote: string;
    }
  | { type: 'refused'; reason: string };

/** A call line longer than this is refused unread: no call of the contract comes near it. */
export const HELPER_MAX_LINE_BYTES = 1024 * 1024;

/**
 * Where the Linux packages put the engine helper's launcher, under the app's resources directory: read by
 * the main process, and by the build's after-pack hook and deb install script (from dist/), so the three
 * agree.
 */
export const HELPER_RESOURCE = 'helper/reset-doctor-helper';
/** The bundled engine helper inside the app (build/build-helper-bundle.mjs), from the app's root. */
export const HELPER_BUNDLE = 'dist/helper/engine-helper.cjs';
