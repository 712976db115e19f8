// Builds reset-doctor-helper (electron/helper/launcher/reset-doctor-helper.c) for one install: the runtime
// and the helper script it starts are compiled in, so the file that holds capabilities runs nothing else.
//
//   node build/build-helper-launcher.mjs --out FILE --runtime NODE --main dist/helper/engine-helper.cjs
//
// runAsNode (the desktop packages, build/after-pack.mjs): the runtime is the app's Electron, started
// with ELECTRON_RUN_AS_NODE=1.
//
// Linux only (file and ambient capabilities). The packager gives the installed paths; the lab gives its
// own, then sets the capabilities with `setcap cap_net_raw,cap_net_admin+p FILE` as the deb's postinst does.
import { execFileSync } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SOURCE = fileURLToPath(new URL('../electron/helper/launcher/reset-doctor-helper.c', import.meta.url));

/** Compiles the launcher; throws with the compiler's message when it cannot. */
export function buildHelperLauncher({ out, runtime, main, runAsNode = false }) {
  for (const [name, path] of [
    ['--runtime', runtime],
    ['--main', main],
  ]) {
    // A C string literal: a quote or backslash in the path would change the program, not the path.
    if (!isAbsolute(path) || /["\\\n]/.test(path)) throw new Error(`${name} must be a plain absolute path`);
  }
  execFileSync(
    process.env.CC ?? 'cc',
    [
      '-O2',
      '-Wall',
      '-Wextra',
      '-Werror',
      `-DHELPER_RUNTIME="${runtime}"`,
      `-DHELPER_MAIN="${main}"`,
      ...(runAsNode ? ['-DHELPER_RUN_AS_NODE'] : []),
      '-o',
      out,
      SOURCE,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, runtime: { type: 'string' }, main: { type: 'string' } },
  });
  if (!values.out || !values.runtime || !values.main) {
    process.stderr.write('usage: build-helper-launcher.mjs --out FILE --runtime NODE --main JS\n');
    process.exit(2);
  }
  try {
    buildHelperLauncher({ out: values.out, runtime: values.runtime, main: values.main });
  } catch (error) {
    process.stderr.write(`build-helper-launcher: ${error.stderr?.toString() || error.message}\n`);
    process.exit(1);
  }
}
