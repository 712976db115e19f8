import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

// js-yaml and app-builder-lib come with electron-builder (hoisted in package-lock.json): the config is
// read the way electron-builder reads it, and checked against the installed version's own schema.
const require = createRequire(import.meta.url);
const CONFIG = new URL('../../build/electron-builder.yml', import.meta.url);

function config(): Record<string, unknown> {
  return load(readFileSync(CONFIG, 'utf8')) as Record<string, unknown>;
}

describe('build/electron-builder.yml', () => {
  it('is valid for the installed electron-builder, fuses included', () => {
    const schema = require('app-builder-lib/scheme.json') as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(config()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('turns off running as Node, NODE_OPTIONS and inspector arguments, and checks the asar', () => {
    expect(config().electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      // On while the renderer is loaded from file:// (see the comment in the config).
      grantFileProtocolExtraPrivileges: true,
    });
  });

  it('has nothing in the app that starts itself as Node, which runAsNode: false would break', () => {
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
});
