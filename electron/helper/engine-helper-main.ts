import { detectPrivileges } from '../engine/run-diagnosis.js';
import { RunService } from '../engine/service/run-service.js';
import { runHelper } from './engine-helper.js';

/** How this helper gets raw sockets: its launcher's capabilities, not sudo or a copy of node. */
const HELPER_GRANT =
  'give the engine helper its capabilities (sudo setcap cap_net_raw,cap_net_admin+p on reset-doctor-helper; the deb package does it when it installs), or go on without them: what needs them is marked skipped, with the reason';

// stdout is the protocol: anything the engine logs goes to stderr instead, where the parent keeps the
// last lines to say why the helper stopped.
console.log = console.error;
console.info = console.error;

// No top-level await: the launcher starts this file bundled as CommonJS (build/build-helper-bundle.mjs).
detectPrivileges(HELPER_GRANT)
  .then((privileges) =>
    runHelper(
      { input: process.stdin, output: process.stdout },
      (emit) => new RunService(emit, { privileges }),
    ),
  )
  .then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(
        `reset-doctor helper: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
