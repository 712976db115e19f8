import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { NetError, type CommandResult, type SystemIo } from './engine-io.js';

// Firewall and network tools live in sbin, which a non-root PATH often leaves out.
const EXTRA_DIRS = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];

export const nodeSystemIo: SystemIo = {
  run(file, args, { timeoutMs, signal }) {
    return new Promise<CommandResult>((resolve, reject) => {
      execFile(
        file,
        args,
        {
          timeout: timeoutMs,
          signal,
          maxBuffer: 64 * 1024 * 1024,
          encoding: 'utf8',
          env: { ...process.env, LC_ALL: 'C' },
        },
        (error, stdout, stderr) => {
          if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
            reject(new NetError({ code: 'tool_missing', message: `${file} is not installed` }));
            return;
          }
          if (error?.name === 'AbortError') {
            reject(new NetError({ code: 'cancelled', message: 'cancelled' }));
            return;
          }
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  },
  async which(file) {
    const dirs = [...(process.env.PATH ?? '').split(delimiter), ...EXTRA_DIRS].filter(Boolean);
    for (const dir of new Set(dirs)) {
      const candidate = join(dir, file);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not in this directory
      }
    }
    return null;
  },
};
