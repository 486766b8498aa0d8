import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BackupList, BackupParams, Operation, OperationParams, StartBackup } from './schemas.js';
import type { BackupConsole } from './service.js';

const Started = z.object({ operation: Operation });

/** The console's backups (admin): the list, starting a backup or a verify, and following either. */
export const backupRoutes: FastifyPluginAsyncZod<{ backups: BackupConsole }> = async (app, { backups }) => {
  const doc = { tags: ['admin', 'backups'], security: [{ bearer: [] }] };
  const admin = { onRequest: app.requireRole('admin') };
  app.registerConstraintErrors({
    operations_one_backup_at_a_time: {
      statusCode: 409,
      code: 'backup_operation_running',
      message: 'A backup or verify is already running; wait for it to finish',
    },
  });
  const location = (id: string) => `/admin/backups/operations/${id}`;

  app.get(
    '/admin/backups',
    {
      ...admin,
      schema: {
        ...doc,
        summary: 'Backups, newest first, with their verification, and the newest one’s age (admin)',
        response: { 200: BackupList },
      },
    },
    async () => backups.list(),
  );

  app.post(
    '/admin/backups',
    {
      ...admin,
      schema: {
        ...doc,
        summary: 'Start a backup, verified afterwards when asked (admin); follow it at Location',
        body: StartBackup,
        response: { 202: Started },
      },
    },
    async (request, reply) => {
      const operation = await backups.startBackup(request.principal!, request.body?.verify ?? false);
      return reply.status(202).header('location', location(operation.id)).send({ operation });
    },
  );

  app.post(
    '/admin/backups/:id/verify',
    {
      ...admin,
      schema: {
        ...doc,
        summary: 'Restore a backup into a scratch database and check it (admin); follow it at Location',
        params: BackupParams,
        response: { 202: Started },
      },
    },
    async (request, reply) => {
      const operation = await backups.startVerify(request.principal!, request.params.id);
      return reply.status(202).header('location', location(operation.id)).send({ operation });
    },
  );

  app.get(
    '/admin/backups/operations/:id',
    {
      ...admin,
      schema: {
        ...doc,
        summary: 'A backup or verify started from the console: its phase, percent and result (admin)',
        params: OperationParams,
        response: { 200: Operation },
      },
    },
    async (request) => backups.operation(request.params.id),
  );
};
