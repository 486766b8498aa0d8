import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../version.js';
import { render } from './cluster.js';
import { endOfSegment, parseLsn } from './wal.js';

describe('WAL positions', () => {
  it('parses LSNs', () => {
    expect(parseLsn('0/0')).toBe(0n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
  });

  it('gives the end of a segment from its file name, and no credit for a partial or backup-label file', () => {
    expect(endOfSegment('000000010000000000000001')).toBe(2n * 16n * 1024n * 1024n);
    // Segment 0xFF of log file 0 ends where log file 1 begins.
    expect(endOfSegment('0000000100000000000000FF')).toBe(parseLsn('1/0'));
    expect(endOfSegment('000000020000001600000003')).toBe(parseLsn('16/4000000'));
    expect(endOfSegment('000000010000000000000004.00000028.backup')).toBe(parseLsn('0/4000000'));
    expect(() => endOfSegment('00000002.history')).toThrow(/not a WAL segment/);
  });
});

describe('the pgBackRest templates', () => {
  it('render with every placeholder filled, and refuse a missing one', async () => {
    const template = await readFile(
      path.join(PROJECT_ROOT, 'deploy/pgbackrest/postgresql-archiving.conf.template'),
      'utf8',
    );
    const out = render(template, {
      CONFIG: '/etc/pgbackrest/pgbackrest.conf',
      STANZA: 'voyage',
      ARCHIVE_TIMEOUT: '30s',
    });
    expect(out).toContain(
      `archive_command = 'pgbackrest --config=/etc/pgbackrest/pgbackrest.conf --stanza=voyage archive-push %p'`,
    );
    expect(out).toContain('archive_timeout = 30s');
    expect(out).not.toMatch(/\{\{/);
    expect(() => render(template, { CONFIG: 'x' })).toThrow(/\{\{STANZA\}\} is not set/);
  });
});
