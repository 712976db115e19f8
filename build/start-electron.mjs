// `npm start`: launch the desktop app, or say in one line why it cannot start here and what to use instead.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
let electron;
try {
  // The electron package exports the binary's path, and throws when the binary was never downloaded.
  electron = require('electron');
} catch {
  process.stderr.write(
    'Electron is not installed here (installed offline, without its binary): run "npm run serve" for the same wizard in your browser.\n',
  );
  process.exit(1);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const child = spawn(electron, [root], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
