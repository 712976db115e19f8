// electron-builder's afterPack hook: puts the engine helper's launcher into the Linux packages, built for
// the path the deb installs to (/opt/<product>/, where build/deb-after-install.mjs gives it its
// capabilities). The launcher starts the app's own Electron as Node on the bundled helper inside app.asar.
//
// Not for macOS and Windows: there the engine runs in the main process, without raw sockets, until an
// authorization prompt (macOS) and a UAC prompt (Windows) start the helper. Not for another architecture
// than this machine's: the C compiler here builds for this one; the package then has no launcher, and
// the app runs the engine in its main process (electron/main/main.ts looks for the file).
import builderUtil from 'builder-util';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildHelperLauncher } from './build-helper-launcher.mjs';
// After npm run build: the paths are defined once, beside the helper protocol.
import { HELPER_BUNDLE, HELPER_RESOURCE } from '../dist/electron/shared/helper-protocol.js';

/** Node's name for electron-builder's architecture. */
const NODE_ARCH = { ia32: 'ia32', x64: 'x64', armv7l: 'arm', arm64: 'arm64' };

/** Where the deb installs the launcher, the runtime it starts and the helper script. */
export function installedPaths({ sanitizedProductName, executableName }) {
  const root = `/opt/${sanitizedProductName}`;
  return {
    launcher: `${root}/resources/${HELPER_RESOURCE}`,
    runtime: `${root}/${executableName}`,
    main: `${root}/resources/app.asar/${HELPER_BUNDLE}`,
  };
}

export async function afterPack(context) {
  if (context.electronPlatformName !== 'linux') return;
  const arch = builderUtil.Arch[context.arch];
  if (NODE_ARCH[arch] !== process.arch) {
    builderUtil.log.warn(
      { arch, host: process.arch },
      'no engine helper launcher for another architecture: the app will run without raw sockets',
    );
    return;
  }
  const paths = installedPaths({
    sanitizedProductName: context.packager.appInfo.sanitizedProductName,
    executableName: context.packager.executableName,
  });
  const out = join(context.appOutDir, 'resources', HELPER_RESOURCE);
  mkdirSync(dirname(out), { recursive: true });
  buildHelperLauncher({ out, runtime: paths.runtime, main: paths.main, runAsNode: true });
}

export default afterPack;
