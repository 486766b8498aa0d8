import { describe, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index.js';
import { OVERRIDES, SAFE, UNSAFE } from '../../../test/fixtures/lint-migrations.js';
import { LINT_RULES, lintMigration, lintMigrations } from './migration-lint.js';

describe('migration lint', () => {
  it('catches each rule on its fixture, and only that rule', async () => {
    const rules = Object.keys(LINT_RULES);
    const fixtures = Object.keys(UNSAFE);
    // Every rule has a fixture named after it.
    expect(fixtures.map((f) => f.replaceAll('_', '-')).sort()).toEqual([...rules].sort());
    for (const [name, migration] of Object.entries(UNSAFE)) {
      const findings = await lintMigration(name, migration);
      expect(
        findings.map((f) => f.rule),
        name,
      ).toEqual([name.replaceAll('_', '-')]);
      expect(findings[0]!.message).toBe(LINT_RULES[findings[0]!.rule as keyof typeof LINT_RULES]);
    }
  });

  it('passes the safe ways of doing the same things, including anything on a table created in the same migration', async () => {
    expect(await lintMigrations(SAFE)).toEqual([]);
  });

  it('points at the line and statement', async () => {
    const [finding] = await lintMigration('x', {
      up: `
        CREATE TABLE t (id int);
        -- a comment before the statement
        CREATE INDEX users_email_idx
          ON users (email);
      `,
      down: '',
    });
    expect(finding).toMatchObject({
      rule: 'index-not-concurrent',
      line: 4,
      statement: 'CREATE INDEX users_email_idx ON users (email)',
    });
  });

  it('treats a schema-qualified table as the same table', async () => {
    const findings = await lintMigration('x', {
      up: `CREATE TABLE public.t (id int); CREATE INDEX t_idx ON t (id); CREATE INDEX u_idx ON public.users (id);`,
      down: '',
    });
    expect(findings.map((f) => f.statement)).toEqual(['CREATE INDEX u_idx ON public.users (id)']);
  });

  it('honours an override only with a written reason for a rule that the migration breaks', async () => {
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(OVERRIDES).map(async ([name, m]) => [name, await lintMigration(name, m)] as const),
      ),
    );
    expect(results.allowed_with_reason).toEqual([]);
    expect(results.reason_too_short!.map((f) => f.rule)).toEqual(['invalid-override', 'drop-column']);
    expect(results.reason_too_short![0]!.message).toMatch(/needs a written reason/);
    expect(results.unknown_rule!.map((f) => f.rule)).toEqual(['invalid-override']);
    expect(results.unknown_rule![0]!.message).toMatch(/unknown rule "no-such-rule"/);
    expect(results.allows_nothing!.map((f) => f.rule)).toEqual(['invalid-override']);
    expect(results.allows_nothing![0]!.message).toMatch(/allows nothing/);
  });

  it('takes a drop or rename as a contract step only after the release that stopped using it, and only while such a release is live', async () => {
    const contract = (unusedSince: string) => ({
      up: 'ALTER TABLE cars DROP COLUMN legacy_code;',
      down: 'ALTER TABLE cars ADD COLUMN legacy_code text;',
      contract: { unusedSince },
    });
    const rules = async (m: ReturnType<typeof contract>, ctx: Parameters<typeof lintMigration>[2]) =>
      (await lintMigration('contract', m, ctx)).map((f) => f.rule);
    // Shipped in 1.5.0, unused since 1.4.0: fine while 1.4.0 or later is live.
    expect(await rules(contract('1.4.0'), { version: '1.5.0', liveVersion: '1.4.0' })).toEqual([]);
    expect(await rules(contract('1.4.0'), { version: '1.5.0' })).toEqual([]);
    // In the release that stops using the column: the live release still reads it during the deploy.
    const same = await lintMigration('contract', contract('1.5.0'), {
      version: '1.5.0',
      liveVersion: '1.4.0',
    });
    expect(same.map((f) => f.rule)).toEqual(['contract-too-early', 'contract-live-uses']);
    expect(same[0]!.message).toMatch(/ships in 1\.5\.0, but what it removes is unused only since 1\.5\.0/);
    expect(same[1]!.message).toMatch(/the live release 1\.4\.0 still uses/);
    // Applied while an older release than the one that stopped using it is live.
    expect(await rules(contract('1.4.0'), { version: '1.6.0', liveVersion: '1.3.2' })).toEqual([
      'contract-live-uses',
    ]);
    // A declaration that is not a version, or that declares nothing to contract.
    expect(await rules(contract('soon'), { version: '1.6.0' })).toEqual(['invalid-override']);
    const nothing = await lintMigration('x', {
      up: 'ALTER TABLE cars ADD COLUMN note text;',
      down: '',
      contract: { unusedSince: '1.0.0' },
    });
    expect(nothing.map((f) => f.message)).toEqual([
      expect.stringMatching(/no statement drops or renames a column/),
    ]);
    // Without the declaration, a drop is the drop-column finding, which names the way out.
    const bare = await lintMigration(
      'x',
      { up: 'ALTER TABLE cars DROP COLUMN legacy_code;', down: '' },
      { version: '1.6.0' },
    );
    expect(bare.map((f) => f.rule)).toEqual(['drop-column']);
    expect(bare[0]!.message).toMatch(/contract: \{ unusedSince/);
  });

  it('reports SQL that does not parse', async () => {
    const [finding] = await lintMigration('x', { up: 'CREATE TABLE (', down: '' });
    expect(finding!.rule).toBe('syntax-error');
  });

  it("passes every one of Voyage's own migrations", async () => {
    expect(await lintMigrations(migrations)).toEqual([]);
  });
});
