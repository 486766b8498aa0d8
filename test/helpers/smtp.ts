import type { AddressInfo } from 'node:net';
import PostalMime, { type Email } from 'postal-mime';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
  parsed: Email;
}

type Verdict = { code: number; message: string } | undefined;

/**
 * A real SMTP server in the test process. `decide` can refuse a message (4xx temporary, 5xx
 * permanent) before it is accepted; accepted messages are parsed and kept.
 */
export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  const refused: { to: string[]; code: number }[] = [];
  let decide: (to: string[]) => Verdict = () => undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        const verdict = decide(to);
        if (verdict) {
          refused.push({ to, code: verdict.code });
          const err = Object.assign(new Error(verdict.message), { responseCode: verdict.code });
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ to, raw, parsed: await PostalMime.parse(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refused,
    /** Decide per message whether to refuse it; undefined accepts. */
    setPolicy(fn: (to: string[]) => Verdict) {
      decide = fn;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpTestServer = Awaited<ReturnType<typeof startSmtpServer>>;
