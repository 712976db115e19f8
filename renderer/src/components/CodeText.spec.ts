import '@testing-library/svelte/vitest';
import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import CodeText from './CodeText.svelte';

describe('CodeText', () => {
  it("shows a remedy's commands as code, without the backticks, and the rest as text", () => {
    const { container } = render(CodeText, { text: 'Set `keepalive_timeout 2s;` in nginx <upstream>.' });
    expect(container.textContent).toBe('Set keepalive_timeout 2s; in nginx <upstream>.');
    expect([...container.querySelectorAll('code')].map((c) => c.textContent)).toEqual([
      'keepalive_timeout 2s;',
    ]);
    expect(container.querySelector('upstream')).toBeNull();
  });
});
