import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/helpers/test-app.js';

describe('fault injection on readiness', () => {
  it('not_ready=true: the process serves and is alive, but never ready', async () => {
    const unready = await createTestApp({
      env: { VOYAGE_FAULT_INJECTION: 'not_ready=true', VOYAGE_ALLOW_FAULT_INJECTION: 'true' },
    });
    try {
      // Serves and is alive, but never ready: the check names the fault.
      expect((await unready.app.inject({ method: 'GET', url: '/locations' })).statusCode).toBe(200);
      expect((await unready.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      const ready = await unready.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.body).toContain('not_ready=true');
    } finally {
      await unready.close();
    }
  });
});
