import { describe, expect, it } from 'vitest';
import { checkFileName, MemoryStorage } from './storage.js';

describe('model directory names', () => {
  it('rejects names that would escape the directory', async () => {
    for (const bad of ['../x', '/etc/passwd', 'a/b', '..', '', 'C:evil', 'a\\b'])
      expect(() => checkFileName('t', bad), bad).toThrow(/is not allowed/);
    await expect(new MemoryStorage().writeAtomic('../up', 'x')).rejects.toThrow(/not allowed/);
  });
});
