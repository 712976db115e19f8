import { runHelper } from './engine-helper.js';

// stdout is the protocol: anything the engine logs goes to stderr instead, where the parent keeps the
// last lines to say why the helper stopped.
console.log = console.error;
console.info = console.error;

runHelper({ input: process.stdin, output: process.stdout }).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`reset-doctor helper: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
