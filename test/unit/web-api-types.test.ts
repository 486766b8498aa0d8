import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../../scripts/web-api-types.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe("the web app's API types", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('are what openapi-typescript makes of the document the server serves (npm run web:api-types)', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const fresh = await renderApiTypes(doc);
    expect(
      readFileSync(API_TYPES_FILE, 'utf8') === fresh,
      'web/src/api/schema.d.ts is stale: run npm run web:api-types',
    ).toBe(true);
    expect(fresh).toContain('"/places"');
  });
});
