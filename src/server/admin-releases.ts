import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../config/index.js';
import type { AuditLog } from '../platform/audit.js';
import { AppError, conflict, notFound } from '../platform/http/errors.js';
import { DEFAULT_POLICY_FILE, loadReleasePolicy, type ReleasePolicy } from '../release/policy.js';
import { abort, requestPromote } from '../release/single-host/operations.js';
import { readReleaseState, releaseOverview, releaseTimeline } from '../release/single-host/overview.js';
import { openRelease } from '../release/single-host/release-env.js';
import {
  AbortResult,
  PromoteResult,
  ReleaseIdParams,
  ReleasesView,
  ReleaseTimeline,
} from './admin-releases-schemas.js';

/**
 * The console's view of releases (admin): on a host the single-host controller manages, its slots,
 * history and each release's analysis timeline, and promote/abort through the same operations as
 * `voyage release promote|abort`; in a Kubernetes pod, the Argo Rollouts commands instead.
 */
export interface AdminReleaseDeps {
  config: Config;
  audit: AuditLog;
}

/** The Rollout the API runs as (deploy/k8s/rollouts/rollout-api.yaml). */
const ROLLOUT = 'voyage-api';

/** The commands of docs/deploy-kubernetes.md ("Watch it", "Steer it"). */
export function argoCommands(namespace: string) {
  const ns = `-n ${namespace}`;
  return [
    { purpose: 'watch' as const, command: `kubectl argo rollouts get rollout ${ROLLOUT} ${ns} --watch` },
    { purpose: 'promote' as const, command: `kubectl argo rollouts promote ${ROLLOUT} ${ns}` },
    { purpose: 'abort' as const, command: `kubectl argo rollouts abort ${ROLLOUT} ${ns}` },
    { purpose: 'undo' as const, command: `kubectl argo rollouts undo ${ROLLOUT} ${ns}` },
  ];
}

const NOT_IN_PROGRESS = 'no deploy is in progress';

const notInProgress = () =>
  conflict('release_not_in_progress', 'No release is in progress on this host: there is nothing to act on');

export const adminReleaseRoutes: FastifyPluginAsyncZod<AdminReleaseDeps> = async (app, { config, audit }) => {
  const stateDir = config.release.stateDir;
  const onRequest = app.requireRole('admin');
  const common = { tags: ['admin'], security: [{ bearer: [] }] };

  // The policy file is read once per request that needs it: a deploy may ship a new one.
  const policy = (): Promise<ReleasePolicy | null> =>
    loadReleasePolicy(config.release.policyFile ?? DEFAULT_POLICY_FILE).catch(() => null);

  /** Runs an operator command, turning "nothing in progress" into a 409. */
  async function operate<T>(run: () => Promise<T>): Promise<T> {
    if (config.release.kubernetes || !(await readReleaseState(stateDir))?.current) throw notInProgress();
    try {
      return await run();
    } catch (err) {
      if (err instanceof Error && err.message === NOT_IN_PROGRESS) throw notInProgress();
      if (err instanceof Error && /did not abort within/.test(err.message))
        throw new AppError(504, 'release_abort_pending', `${err.message}; see \`voyage release status\``);
      throw err;
    }
  }

  app.get(
    '/admin/releases',
    {
      onRequest,
      schema: {
        ...common,
        summary: 'Releases on this host: slots, the release in progress and the history (admin)',
        response: { 200: ReleasesView },
      },
    },
    async () => {
      const k8s = config.release.kubernetes;
      if (k8s)
        return {
          engine: 'argo-rollouts' as const,
          namespace: k8s.namespace,
          rollout: ROLLOUT,
          commands: argoCommands(k8s.namespace),
        };
      const state = await readReleaseState(stateDir);
      if (!state)
        return {
          engine: 'none' as const,
          stateDir,
          commands: [
            { purpose: 'deploy' as const, command: 'voyage release deploy <dir>' },
            { purpose: 'watch' as const, command: 'voyage release status' },
          ],
        };
      return { engine: 'single-host' as const, stateDir, ...releaseOverview(state) };
    },
  );

  app.get(
    '/admin/releases/:id/timeline',
    {
      onRequest,
      schema: {
        ...common,
        summary:
          'One release’s analysis: canary against baseline over time, the limits and each decision (admin)',
        params: ReleaseIdParams,
        response: { 200: ReleaseTimeline },
      },
    },
    async (request) => {
      const state = config.release.kubernetes ? null : await readReleaseState(stateDir);
      const record = state?.history.find((r) => r.id === request.params.id);
      if (!record)
        throw notFound('release_not_found', `Release ${request.params.id} is not in this host’s history`);
      return releaseTimeline(record, await policy());
    },
  );

  app.post(
    '/admin/releases/promote',
    {
      onRequest,
      schema: {
        ...common,
        summary:
          'Skip the remaining canary steps of the release in progress (admin; 409 release_not_in_progress)',
        response: { 202: PromoteResult },
      },
    },
    async (request, reply) => {
      const version = await operate(async () => requestPromote(await openRelease({ config })));
      await audit.record(undefined, {
        action: 'release.promote',
        actorId: request.principal!.userId,
        subject: `release:${version}`,
        details: { version },
      });
      return reply.code(202).send({ requested: 'promote' as const, version });
    },
  );

  app.post(
    '/admin/releases/abort',
    {
      onRequest,
      schema: {
        ...common,
        summary:
          'Stop the release in progress: all traffic back to the live slot (admin; 409 release_not_in_progress)',
        response: { 200: AbortResult },
      },
    },
    async (request) => {
      const actorId = request.principal!.userId;
      const result = await operate(async () =>
        abort(await openRelease({ config }), { waitMs: 60_000, by: `admin ${actorId} in the console` }),
      );
      await audit.record(undefined, {
        action: 'release.abort',
        actorId,
        subject: `release:${result.version}`,
        details: result,
      });
      return { aborted: true as const, ...result };
    },
  );
};
