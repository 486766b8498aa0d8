import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { email as emailSchema, password as passwordSchema } from '../../modules/identity/schemas.js';
import { createServices } from '../../server/services.js';
import { withContext } from '../context.js';
import { createOutput } from '../output.js';
import type { CommandModule } from './types.js';

export const usersCommand: CommandModule = {
  summary: 'Manage accounts',
  register(program: Command) {
    const users = program.command('users').description('Manage accounts');
    users
      .command('create-admin')
      .description('Create an admin account, or promote an existing account to admin')
      .requiredOption('--email <email>', 'the account’s email')
      .option('--name <name>', 'display name', 'Administrator')
      .option('--password <password>', 'password (8–256 characters); generated and printed when omitted')
      .option('--json', 'machine-readable output')
      .action(async (o: { email: string; name: string; password?: string; json?: boolean }) => {
        const out = createOutput(!!o.json);
        const email = emailSchema.safeParse(o.email);
        if (!email.success) throw new Error(`--email: ${email.error.issues[0]?.message}`);
        const generated = o.password ? undefined : randomBytes(18).toString('base64url');
        const password = passwordSchema.safeParse(o.password ?? generated);
        if (!password.success) throw new Error(`--password: ${password.error.issues[0]?.message}`);
        await withContext(async (ctx) => {
          const { identity } = createServices(ctx);
          const { user, created } = await identity.createAdmin({
            email: email.data,
            name: o.name,
            password: password.data,
          });
          const lines = [
            created
              ? `Created admin ${user.email} (${user.id}).`
              : `Promoted ${user.email} (${user.id}) to admin.`,
          ];
          if (created && generated) lines.push(`Password: ${generated}`);
          out.result(lines.join('\n'), {
            user,
            created,
            ...(created && generated ? { password: generated } : {}),
          });
        });
      });
  },
};
