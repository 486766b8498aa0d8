import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per event, so that a receiving system can recognise a repeat. */
  messageId: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'files';
  send(mail: OutgoingMail): Promise<{ messageId: string; detail: string }>;
  close(): void;
}

/**
 * SMTP when SMTP_URL is set; otherwise each message is written as an .eml file into the data
 * directory, so that the embedded start shows what would have been sent.
 */
export function createMailer(opts: { smtpUrl: string | undefined; mailDir: string; from: string }): Mailer {
  if (opts.smtpUrl) {
    const transport = nodemailer.createTransport(opts.smtpUrl, {
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as object);
    return {
      kind: 'smtp',
      async send(mail) {
        const info = await transport.sendMail({ from: opts.from, ...mail });
        return { messageId: info.messageId, detail: String(info.response ?? '') };
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'files',
    async send(mail) {
      const info = await transport.sendMail({ from: opts.from, ...mail });
      await mkdir(opts.mailDir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const safeId = mail.messageId.replace(/[^A-Za-z0-9._-]/g, '');
      const file = path.join(opts.mailDir, `${stamp}-${safeId}.eml`);
      await writeFile(file, info.message as Buffer);
      return { messageId: info.messageId, detail: file };
    },
    close: () => transport.close(),
  };
}
