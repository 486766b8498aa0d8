import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../config/index.js';
import type { ConstraintError } from '../platform/http/errors.js';
import type { JobDefinition, JobName, LoopDefinition } from '../platform/jobs.js';
import type { Logger } from '../platform/observability/logger.js';
import type { ModuleName } from './manifest.js';

/** What a module's routes plugin receives: its own service, and the configuration. */
export interface RouteDeps<S> {
  service: S;
  config: Config;
}

/** One job of any name, typed by its own payload. */
export type AnyJob = { [N in JobName]: JobDefinition<N> }[JobName];

export interface ModuleJobs {
  jobs?: AnyJob[];
  loops?: LoopDefinition[];
}

/**
 * A module as the server mounts it: routes, the constraint violations it turns into client errors,
 * and its background jobs. The composition root (server/services.ts) builds its service.
 */
export interface ModuleDefinition<S> {
  name: ModuleName;
  routes: FastifyPluginAsyncZod<RouteDeps<S>>;
  constraints?: Record<string, ConstraintError>;
  jobs?: (service: S, deps: { config: Config; log: Logger }) => ModuleJobs;
}

export const defineModule = <S>(definition: ModuleDefinition<S>) => definition;

/** A job definition checked against its name's payload in the job catalogue. */
export const job = <N extends JobName>(definition: JobDefinition<N>) => definition as unknown as AnyJob;
