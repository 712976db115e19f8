import { describe, expect, it } from 'vitest';
import { failureFromError, fileErrorWords } from './errno-failure.js';

function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, syscall: 'connect' });
}

describe('failureFromError', () => {
  it('keeps an unmapped error as unknown_failure, its message naming the errno', () => {
    expect(failureFromError(systemError('EINVAL', 'connect EINVAL fe80::1%eth0:443 - Local (:::0)'))).toEqual(
      {
        code: 'unknown_failure',
        message: 'connect EINVAL fe80::1%eth0:443 - Local (:::0)',
      },
    );
    expect(failureFromError(systemError('EMFILE', 'too many open files\nmore'))).toEqual({
      code: 'unknown_failure',
      message: 'EMFILE: too many open files',
    });
  });

  it('names the errno of what this machine refused', () => {
    expect(failureFromError(systemError('EADDRNOTAVAIL', 'connect EADDRNOTAVAIL'))).toEqual({
      code: 'address_not_available',
      message: 'address not available on this machine (EADDRNOTAVAIL)',
    });
    expect(failureFromError(systemError('EACCES', 'connect EACCES')).message).toBe(
      'operation not permitted (a local firewall rule refused to send) (EACCES)',
    );
    expect(failureFromError(systemError('ECONNREFUSED', 'connect ECONNREFUSED')).message).toBe(
      'connection refused (the SYN was answered with a reset)',
    );
  });
});

describe('fileErrorWords', () => {
  it('says a file system error in a few words, or its code', () => {
    expect(fileErrorWords(systemError('ENOENT', 'x'))).toBe('no such file');
    expect(fileErrorWords(systemError('EROFS', 'x'))).toBe('a read-only file system');
    expect(fileErrorWords(systemError('EWEIRD', 'x'))).toBe('EWEIRD');
    expect(fileErrorWords(new Error('first\nsecond'))).toBe('first');
  });
});
