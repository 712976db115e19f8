import { constants, type Stats } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { isPathText, runOption } from '../../shared/run-options-info.js';
import { fileErrorWords } from '../net/errno-failure.js';

/**
 * The one check of a server log path, whichever face gave it: the CLI before its run, RunService before
 * it starts one (IPC and WebSocket), and the log scan as it opens the file. Only a regular file will do:
 * opening a FIFO waits for a writer (holding one of libuv's four file threads for good), and a device
 * such as /dev/zero never ends. The path is looked at before it is opened, opened without waiting
 * (O_NONBLOCK), and the open file looked at again, so a path swapped in between is caught too.
 */

export type OpenedLog = { handle: FileHandle; size: number } | { problem: string };

const LOG_FILE = runOption('logFile');
// Absent on Windows, where opening cannot wait on a pipe this way.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** Why this path cannot be read as a log, in a few words ("a FIFO (named pipe), not a regular file"), or null. */
export async function logFileProblem(path: string): Promise<string | null> {
  const opened = await openLogFile(path);
  if ('problem' in opened) return opened.problem;
  await opened.handle.close();
  return null;
}

/** Opens the log for reading, with its size at the time: the scan reads no further than that. */
export async function openLogFile(path: string): Promise<OpenedLog> {
  if (!isPathText(LOG_FILE, path))
    return { problem: 'not a file path (empty, too long, or with a NUL in it)' };
  try {
    const before = await stat(path);
    if (!before.isFile()) return { problem: notRegular(before) };
  } catch (error) {
    return { problem: fileErrorWords(error) };
  }
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    return { problem: fileErrorWords(error) };
  }
  try {
    const after = await handle.stat();
    if (after.isFile()) return { handle, size: after.size };
    await handle.close();
    return { problem: notRegular(after) };
  } catch (error) {
    await handle.close().catch(() => undefined);
    return { problem: fileErrorWords(error) };
  }
}

function notRegular(s: Stats): string {
  const kind = s.isDirectory()
    ? 'a directory'
    : s.isFIFO()
      ? 'a FIFO (named pipe)'
      : s.isSocket()
        ? 'a socket'
        : s.isCharacterDevice()
          ? 'a character device'
          : s.isBlockDevice()
            ? 'a block device'
            : 'something else';
  return `${kind}, not a regular file`;
}
