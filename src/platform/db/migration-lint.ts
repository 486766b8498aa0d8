import { parse } from 'libpg-query';
import semver from 'semver';
import type { Migration, MigrationIndex } from './migrator.js';

/**
 * Flags operations that lock or rewrite a table other sessions are using. Statements on a table
 * created earlier in the same migration are safe (nobody else can see it yet) and pass. A rule may
 * be switched off per migration only with a written reason: `lint: { allow: { rule: 'why' } }`.
 * Only `up` is linted: a `down` undoes its own `up` by nature (drops what it added).
 */
export const LINT_RULES = {
  'index-not-concurrent':
    'CREATE INDEX on an existing table blocks writes while it builds: use CREATE INDEX CONCURRENTLY in a migration with transactional: false',
  'constraint-not-valid':
    'adding a constraint to an existing table scans it under a lock: add CHECK / FOREIGN KEY with NOT VALID and VALIDATE CONSTRAINT in a later migration; build UNIQUE / PRIMARY KEY indexes CONCURRENTLY and add them with USING INDEX',
  'not-null-without-default':
    'a NOT NULL column without a DEFAULT fails on rows that exist and breaks the running release: add it with a DEFAULT, or nullable first (expand/contract)',
  'set-not-null':
    'SET NOT NULL scans the table under an ACCESS EXCLUSIVE lock: add CHECK (col IS NOT NULL) NOT VALID, validate it, then SET NOT NULL',
  'drop-column':
    "the running release still reads this column: stop using it in one release, drop it in a later one, declared as contract: { unusedSince: '<the release that stopped>' } (expand/contract)",
  'rename-column':
    'the running release still uses the old name: add the new column, write both, backfill, switch readers, drop the old one later as a contract step (expand/contract)',
  'change-column-type':
    'changing a column type usually rewrites the table under an ACCESS EXCLUSIVE lock and breaks the running release: add a new column and migrate to it (expand/contract)',
  'concurrently-in-transaction':
    'CONCURRENTLY cannot run inside a transaction: set transactional: false on this migration',
  'non-transactional-statements':
    'a migration with transactional: false must hold exactly one statement, so that a failure leaves no half-applied batch',
} as const;

/** Steps that remove what a release may still use: allowed as a declared contract step. */
const CONTRACT_RULES: ReadonlySet<string> = new Set(['drop-column', 'rename-column']);

export interface LintContext {
  /** The version of the code being linted (the release that ships these migrations). */
  version?: string;
  /** The version serving traffic while the migrations run (a deploy's live release). */
  liveVersion?: string;
}

export type LintRule = keyof typeof LINT_RULES;
export const MIN_REASON_LENGTH = 10;

export interface LintFinding {
  migration: string;
  rule: LintRule | 'syntax-error' | 'invalid-override' | 'contract-too-early' | 'contract-live-uses';
  message: string;
  /** 1-based line in `up`. */
  line: number;
  statement: string;
}

// The parser's JSON tree, read loosely: only the handful of node kinds below matter here.
// biome-ignore lint/suspicious/noExplicitAny: libpg-query's AST is a large union of plain JSON
type Node = any;

function tableKey(rel: Node): string {
  return `${rel?.schemaname ?? 'public'}.${rel?.relname ?? '?'}`;
}

/** The line of a statement's first word: its location includes the comments before it. */
function lineAt(sql: string, offset: number): number {
  const lead = /^(\s|--[^\n]*)*/.exec(sql.slice(offset))?.[0].length ?? 0;
  return sql.slice(0, offset + lead).split('\n').length;
}

function constraintFindings(constraint: Node, inline: boolean): LintRule[] {
  const type = constraint?.contype as string | undefined;
  if (type === 'CONSTR_CHECK' || type === 'CONSTR_FOREIGN') {
    return constraint.skip_validation ? [] : ['constraint-not-valid'];
  }
  if (!inline && (type === 'CONSTR_UNIQUE' || type === 'CONSTR_PRIMARY')) {
    return constraint.indexname ? [] : ['constraint-not-valid'];
  }
  if (!inline && type === 'CONSTR_EXCLUSION') return ['constraint-not-valid'];
  return [];
}

function alterTableFindings(stmt: Node): LintRule[] {
  const found: LintRule[] = [];
  for (const { AlterTableCmd: cmd } of stmt.cmds ?? []) {
    if (!cmd) continue;
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const constraints: Node[] = (cmd.def?.ColumnDef?.constraints ?? []).map((c: Node) => c.Constraint);
        const notNull = constraints.some((c) => c?.contype === 'CONSTR_NOTNULL');
        const hasDefault = constraints.some(
          (c) => c?.contype === 'CONSTR_DEFAULT' || c?.contype === 'CONSTR_IDENTITY',
        );
        if (notNull && !hasDefault) found.push('not-null-without-default');
        for (const c of constraints) found.push(...constraintFindings(c, true));
        break;
      }
      case 'AT_AddConstraint':
        found.push(...constraintFindings(cmd.def?.Constraint, false));
        break;
      case 'AT_SetNotNull':
        found.push('set-not-null');
        break;
      case 'AT_DropColumn':
        found.push('drop-column');
        break;
      case 'AT_AlterColumnType':
        found.push('change-column-type');
        break;
    }
  }
  return found;
}

/**
 * A declared contract step: well formed, shipped after the release that stopped using what it
 * removes, and applied only while such a release is live.
 */
function contractFindings(name: string, migration: Migration, ctx: LintContext): LintFinding[] {
  const since = migration.contract?.unusedSince;
  const finding = (rule: LintFinding['rule'], message: string): LintFinding => ({
    migration: name,
    rule,
    message,
    line: 1,
    statement: '',
  });
  if (!semver.valid(since)) {
    return [
      finding(
        'invalid-override',
        `contract.unusedSince must be a release version (x.y.z), not ${JSON.stringify(since)}`,
      ),
    ];
  }
  const out: LintFinding[] = [];
  if (ctx.version && semver.valid(ctx.version) && !semver.gt(ctx.version, since!)) {
    out.push(
      finding(
        'contract-too-early',
        `this contract step ships in ${ctx.version}, but what it removes is unused only since ${since}: the release before ${since} still uses it while ${since} deploys. Ship it in a release after ${since}`,
      ),
    );
  }
  if (ctx.liveVersion && semver.valid(ctx.liveVersion) && semver.lt(ctx.liveVersion, since!)) {
    out.push(
      finding(
        'contract-live-uses',
        `the live release ${ctx.liveVersion} still uses what this migration removes (unused since ${since}): deploy ${since} first`,
      ),
    );
  }
  return out;
}

/** Lints one migration's `up`. */
export async function lintMigration(
  name: string,
  migration: Migration,
  ctx: LintContext = {},
): Promise<LintFinding[]> {
  const sql = migration.up;
  const findings: LintFinding[] = [];
  let stmts: { stmt?: Node; stmt_location?: number; stmt_len?: number }[];
  try {
    stmts = (await parse(sql)).stmts ?? [];
  } catch (err) {
    return [
      { migration: name, rule: 'syntax-error', message: (err as Error).message, line: 1, statement: '' },
    ];
  }
  const createdHere = new Set<string>();
  const raw: { rule: LintRule; at: number; text: string }[] = [];
  const transactional = migration.transactional !== false;
  if (!transactional && stmts.length !== 1) {
    raw.push({ rule: 'non-transactional-statements', at: 0, text: `${stmts.length} statements` });
  }
  for (const { stmt, stmt_location: at = 0, stmt_len: len } of stmts) {
    const text = sql
      .slice(at, len ? at + len : undefined)
      .replace(/--[^\n]*/g, '')
      .trim()
      .replace(/\s+/g, ' ')
      .slice(0, 160);
    const add = (rule: LintRule) => raw.push({ rule, at, text });
    if (!stmt) continue;
    const [kind] = Object.keys(stmt) as string[];
    const node = stmt[kind!];
    if (kind === 'CreateStmt') createdHere.add(tableKey(node.relation));
    else if (kind === 'CreateTableAsStmt') createdHere.add(tableKey(node.into?.rel));
    else if (kind === 'IndexStmt') {
      if (node.concurrent && transactional) add('concurrently-in-transaction');
      if (!node.concurrent && !createdHere.has(tableKey(node.relation))) add('index-not-concurrent');
    } else if (kind === 'AlterTableStmt' && node.objtype === 'OBJECT_TABLE') {
      if (!createdHere.has(tableKey(node.relation))) for (const rule of alterTableFindings(node)) add(rule);
    } else if (kind === 'RenameStmt' && node.renameType === 'OBJECT_COLUMN') {
      if (!createdHere.has(tableKey(node.relation))) add('rename-column');
    }
  }

  const allow = migration.lint?.allow ?? {};
  for (const [rule, reason] of Object.entries(allow)) {
    if (!(rule in LINT_RULES)) {
      findings.push({
        migration: name,
        rule: 'invalid-override',
        message: `lint.allow names an unknown rule "${rule}"; known: ${Object.keys(LINT_RULES).join(', ')}`,
        line: 1,
        statement: '',
      });
    } else if (typeof reason !== 'string' || reason.trim().length < MIN_REASON_LENGTH) {
      findings.push({
        migration: name,
        rule: 'invalid-override',
        message: `lint.allow["${rule}"] needs a written reason (at least ${MIN_REASON_LENGTH} characters)`,
        line: 1,
        statement: '',
      });
    } else if (!raw.some((r) => r.rule === rule)) {
      findings.push({
        migration: name,
        rule: 'invalid-override',
        message: `lint.allow["${rule}"] allows nothing: no statement breaks that rule; remove the override`,
        line: 1,
        statement: '',
      });
    }
  }
  const contract = migration.contract !== undefined;
  if (contract) {
    if (!raw.some((r) => CONTRACT_RULES.has(r.rule))) {
      findings.push({
        migration: name,
        rule: 'invalid-override',
        message: 'contract is declared, but no statement drops or renames a column; remove it',
        line: 1,
        statement: '',
      });
    } else findings.push(...contractFindings(name, migration, ctx));
  }
  for (const r of raw) {
    const reason = allow[r.rule];
    if (typeof reason === 'string' && reason.trim().length >= MIN_REASON_LENGTH) continue;
    if (contract && CONTRACT_RULES.has(r.rule)) continue;
    findings.push({
      migration: name,
      rule: r.rule,
      message: LINT_RULES[r.rule],
      line: lineAt(sql, r.at),
      statement: r.text,
    });
  }
  return findings;
}

/** Lints every migration in the index, in order. */
export async function lintMigrations(index: MigrationIndex, ctx: LintContext = {}): Promise<LintFinding[]> {
  const all: LintFinding[] = [];
  for (const [name, migration] of Object.entries(index))
    all.push(...(await lintMigration(name, migration, ctx)));
  return all;
}
