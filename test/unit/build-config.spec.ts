import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { HELPER_RESOURCE } from '../../electron/shared/helper-protocol.js';

// js-yaml and app-builder-lib come with electron-builder (hoisted in package-lock.json): the config is
// read the way electron-builder reads it, and checked against the installed version's own schema.
const require = createRequire(import.meta.url);
const CONFIG = new URL('../../build/electron-builder.yml', import.meta.url);

const noCompiler =
  process.platform !== 'linux'
    ? 'the launcher is built on Linux'
    : spawnSync('cc', ['--version']).status !== 0
      ? 'no C compiler (cc)'
      : null;

function config(): Record<string, unknown> {
  return load(readFileSync(CONFIG, 'utf8')) as Record<string, unknown>;
}

describe('build/electron-builder.yml', () => {
  it('is valid for the installed electron-builder, fuses included', () => {
    const schema = require('app-builder-lib/scheme.json') as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(config()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('turns off NODE_OPTIONS and inspector arguments, checks the asar, and runs as Node for the helper', () => {
    expect(config().electronFuses).toEqual({
      // The engine helper's launcher runs the app as Node (see the comment in the config).
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // On while the renderer is loaded from file:// (see the comment in the config).
      grantFileProtocolExtraPrivileges: true,
    });
  });

  it('rebuilds raw-socket for the Electron that runs the helper as Node', () => {
    expect(config().npmRebuild).toBe(true);
    expect(config().asarUnpack).toContain('node_modules/raw-socket/**');
  });

  it('has nothing in the app that starts itself as Node: only the helper launcher does', () => {
    const root = new URL('../../electron/', import.meta.url);
    const sources = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'),
    );
    expect(sources.length).toBeGreaterThan(50);
    const offenders = sources.filter((f) =>
      /ELECTRON_RUN_AS_NODE|utilityProcess|process\.execPath|\bfork\(/.test(
        readFileSync(new URL(f, root), 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });

  it("gives the deb electron-builder's own post-install script, then setcap on the launcher after-pack builds", async () => {
    const { debAfterInstall, DEB_AFTER_INSTALL } = await import('../../build/deb-after-install.mjs');
    const { installedPaths } = await import('../../build/after-pack.mjs');
    const deb = config().deb as { afterInstall: string };
    expect(fileURLToPath(new URL(`../../${deb.afterInstall}`, import.meta.url))).toBe(DEB_AFTER_INSTALL);
    const script = debAfterInstall();
    const upstream = readFileSync(
      require.resolve('app-builder-lib/templates/linux/after-install.tpl'),
      'utf8',
    );
    expect(script.startsWith(upstream.trimEnd())).toBe(true);
    const product = 'Reset Doctor';
    const filled = script
      .replaceAll('${sanitizedProductName}', product)
      .replaceAll('${executable}', 'reset-doctor');
    const { launcher } = installedPaths({ sanitizedProductName: product, executableName: 'reset-doctor' });
    expect(filled).toContain(`setcap cap_net_raw,cap_net_admin+p '${launcher}'`);
    expect(spawnSync('bash', ['-n'], { input: filled }).status).toBe(0);
  });

  it.skipIf(noCompiler)(
    `builds the launcher into Linux packages for the deb's paths, and nothing for macOS or Windows${noCompiler ? ` — skipped: ${noCompiler}` : ''}`,
    async () => {
      const { afterPack, installedPaths } = await import('../../build/after-pack.mjs');
      const { Arch } = require('builder-util') as { Arch: Record<string, number> };
      const appOutDir = mkdtempSync(join(tmpdir(), 'rd-after-pack-'));
      try {
        const names = { sanitizedProductName: 'Reset Doctor', executableName: 'reset-doctor' };
        const context = (platform: string) => ({
          electronPlatformName: platform,
          arch: Arch[process.arch === 'arm' ? 'armv7l' : process.arch],
          appOutDir,
          packager: {
            appInfo: { sanitizedProductName: names.sanitizedProductName },
            executableName: names.executableName,
          },
        });
        const out = join(appOutDir, 'resources', HELPER_RESOURCE);
        for (const platform of ['darwin', 'win32']) await afterPack(context(platform));
        expect(existsSync(out)).toBe(false);
        await afterPack(context('linux'));
        const binary = readFileSync(out).toString('latin1');
        const paths = installedPaths(names);
        for (const fixed of [paths.runtime, paths.main, 'ELECTRON_RUN_AS_NODE=1'])
          expect(binary).toContain(fixed);
        expect(paths.launcher).toBe(`/opt/Reset Doctor/resources/${HELPER_RESOURCE}`);
      } finally {
        rmSync(appOutDir, { recursive: true, force: true });
      }
    },
  );
});
