import { describe, expect, it } from 'vitest';
import { parseErrorText } from './error-text-parser.js';

describe('parseErrorText', () => {
  it.each([
    ['curl: (56) Recv failure: Connection reset by peer', 'curl', 'response'],
    ['Error: read ECONNRESET\n    at TCP.onStreamRead', 'Node.js', 'response'],
    ['ConnectionResetError: [Errno 104] Connection reset by peer', 'Python', null],
    ['java.net.SocketException: Connection reset', 'Java', null],
    ['kex_exchange_identification: read: Connection reset by peer', 'SSH', 'connect'],
    ['An existing connection was forcibly closed by the remote host. (10054)', 'Windows / .NET', null],
    ['net::ERR_CONNECTION_RESET', 'a browser (Chromium)', null],
  ])('reads %j', (text, client, phase) => {
    const info = parseErrorText(text);
    expect(info.client).toBe(client);
    expect(info.isReset).toBe(true);
    expect(info.phase).toBe(phase);
  });

  it('finds the target in the text', () => {
    expect(
      parseErrorText("fatal: unable to access 'https://git.lab.test/repo.git/': Recv failure").target,
    ).toBe('https://git.lab.test/repo.git/');
    expect(parseErrorText('connect to api.lab.test:8443 failed: ECONNRESET').target).toBe(
      'api.lab.test:8443',
    );
  });

  it('says so when the text is not a reset', () => {
    const info = parseErrorText('permission denied');
    expect(info.isReset).toBe(false);
    expect(info.explanation).toMatch(/does not read like a connection reset/);
  });
});
