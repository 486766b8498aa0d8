import { describe, expect, it } from 'vitest';
import { MODULES } from './index.js';
import { MODULE_MANIFEST } from './manifest.js';

describe('the module manifest', () => {
  it('names every module the server mounts, in the same order', () => {
    expect(MODULES.map((m) => m.name)).toEqual(MODULE_MANIFEST.map((m) => m.name));
  });

  it('gives each module at least one path prefix, each starting with a slash', () => {
    for (const m of MODULE_MANIFEST) {
      expect(m.prefixes.length, m.name).toBeGreaterThan(0);
      for (const p of m.prefixes) expect(p, m.name).toMatch(/^\/[a-z-]+$/);
    }
  });
});
