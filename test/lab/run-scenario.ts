/**
 * Builds a lab, sets one scenario up and runs the CLI in the client namespace with the terminal
 * attached, then tears the lab down: `npx tsx test/lab/run-scenario.ts firewall-reset [-- cli args]`.
 */
import { spawnSync } from 'node:child_process';
import { LAB_SCENARIOS } from './lab-scenarios.js';
import { cliCommand } from './lab-cli.js';
import { createLab, labUnavailableReason } from './lab-topology.js';

const [id, ...rest] = process.argv.slice(2).filter((a) => a !== '--');
const scenario = LAB_SCENARIOS.find((s) => s.id === id);
if (!scenario) {
  process.stderr.write(`usage: run-scenario.ts <${LAB_SCENARIOS.map((s) => s.id).join('|')}> [cli args]\n`);
  process.exit(2);
}
const unavailable = labUnavailableReason();
if (unavailable) {
  process.stderr.write(`${unavailable}\n`);
  process.exit(2);
}
const lab = await createLab();
try {
  const { target, args = [] } = await scenario.setup(lab);
  process.stdout.write(`# ${scenario.id}: ${scenario.what}\n`);
  const result = spawnSync(
    'ip',
    ['netns', 'exec', lab.names.client, ...cliCommand(), 'diagnose', target, ...args, ...rest],
    {
      stdio: 'inherit',
    },
  );
  process.stdout.write(`# exit ${result.status}\n`);
} finally {
  await lab.destroy();
}
