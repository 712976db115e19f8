// The deb's post-install script: electron-builder's own (the /usr/bin link, chrome-sandbox, AppArmor),
// read from the installed app-builder-lib so it cannot drift, then the engine helper's capabilities, as
// Wireshark's packages give dumpcap its own. Written to build/generated/ by `npm run dist`.
//
// Installing the package is the administrator's consent; without libcap2-bin's setcap, or on a file
// system without extended attributes, the helper runs unprivileged and the wizard says so.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELPER_RESOURCE } from '../dist/electron/shared/helper-protocol.js';

export const DEB_AFTER_INSTALL = fileURLToPath(new URL('generated/deb-after-install.tpl', import.meta.url));

/** electron-builder's template with our lines after it; its ${...} names are filled in by the packager. */
export function debAfterInstall() {
  const upstream = readFileSync(
    createRequire(import.meta.url).resolve('app-builder-lib/templates/linux/after-install.tpl'),
    'utf8',
  );
  const helper = `'/opt/\${sanitizedProductName}/resources/${HELPER_RESOURCE}'`;
  return `${upstream.trimEnd()}

# Reset Doctor: its engine helper's launcher alone gets raw sockets and firewall reading
# (cap_net_raw, cap_net_admin); the app and its window keep none.
if [ -f ${helper} ]; then
    chown root:root ${helper}
    chmod 0755 ${helper}
    if ! { command -v setcap >/dev/null 2>&1 && setcap cap_net_raw,cap_net_admin+p ${helper}; }; then
        echo "Reset Doctor: could not give its engine helper capabilities (setcap, from libcap2-bin); it runs without raw sockets" >&2
    fi
fi
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(dirname(DEB_AFTER_INSTALL), { recursive: true });
  writeFileSync(DEB_AFTER_INSTALL, debAfterInstall());
}
