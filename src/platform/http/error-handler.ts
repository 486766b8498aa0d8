import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isConnectionError, isPgError, SQLSTATE } from '../db/errors.js';
import { AppError, type ConstraintError, type ErrorBody } from './errors.js';

/**
 * One error body shape for every failure: {error:{code,message,requestId,details?}}.
 * 5xx bodies never carry internals; the log line does.
 */

declare module 'fastify' {
  interface FastifyInstance {
    /** Registers how a named database constraint violation reads to clients. */
    registerConstraintErrors(errors: Record<string, ConstraintError>): void;
  }
}

const FASTIFY_CODES: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'payload_too_large',
    message: 'Request body is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: 'Request body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    message: 'Request body is not valid JSON',
  },
};

function toAppError(err: FastifyError | Error, constraints: Map<string, ConstraintError>): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    // A strict query schema names the parameters it does not know: a typo never passes as a filter.
    const unknown = err.validation.flatMap((v) =>
      v.keyword === 'unrecognized_keys' ? ((v.params as { keys?: string[] }).keys ?? []) : [],
    );
    if (unknown.length && (err as FastifyError).validationContext === 'querystring') {
      return new AppError(400, 'unknown_parameter', `Unknown query parameter: ${unknown.join(', ')}`, {
        parameters: unknown,
      });
    }
    const details = err.validation.map((v) => ({
      path: `${(err as FastifyError).validationContext ?? 'body'}${v.instancePath.replaceAll('/', '.')}`,
      message: v.message,
    }));
    const first = details[0];
    return new AppError(
      400,
      'validation_failed',
      first ? `${first.path}: ${first.message}` : 'Invalid request',
      details,
    );
  }
  if (isResponseSerializationError(err)) {
    return new AppError(500, 'internal_error', 'Internal server error');
  }
  const fastifyCode = (err as FastifyError).code;
  const known = fastifyCode ? FASTIFY_CODES[fastifyCode] : undefined;
  if (known) return new AppError(known.status, known.code, known.message ?? err.message);
  if (isPgError(err)) {
    if (err.constraint && constraints.has(err.constraint)) {
      const c = constraints.get(err.constraint)!;
      return new AppError(c.statusCode, c.code, c.message);
    }
    if (err.code === SQLSTATE.uniqueViolation || err.code === SQLSTATE.exclusionViolation) {
      return new AppError(409, 'conflict', 'The request conflicts with existing data');
    }
    if (err.code === SQLSTATE.foreignKeyViolation) {
      return new AppError(409, 'reference_not_found', 'The request refers to a record that does not exist');
    }
    if (err.code.startsWith('22'))
      return new AppError(400, 'invalid_input', 'A value in the request is out of range');
    if (err.code === SQLSTATE.queryCanceled || err.code === SQLSTATE.lockNotAvailable) {
      return new AppError(503, 'database_timeout', 'The database took too long; try again');
    }
    if (err.code === SQLSTATE.serializationFailure || err.code === SQLSTATE.deadlockDetected) {
      return new AppError(503, 'database_busy', 'The database is busy; try again');
    }
  }
  if (isConnectionError(err)) return new AppError(503, 'database_unavailable', 'The database is unavailable');
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) {
    return new AppError(status, `http_${status}`, err.message);
  }
  return new AppError(500, 'internal_error', 'Internal server error');
}

export function errorBody(request: FastifyRequest, error: AppError): ErrorBody {
  const traceId = (request as FastifyRequest & { traceId?: string }).traceId;
  return {
    error: {
      code: error.code,
      message: error.message,
      requestId: request.id,
      ...(traceId ? { traceId } : {}),
      ...(error.details !== undefined ? { details: error.details } : {}),
    },
  };
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  if (error.headers) reply.headers(error.headers);
  return reply
    .header('x-request-id', request.id)
    .status(error.statusCode)
    .type('application/json; charset=utf-8')
    .send(errorBody(request, error));
}

export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    const constraints = new Map<string, ConstraintError>();
    app.decorate('registerConstraintErrors', (errors: Record<string, ConstraintError>) => {
      for (const [name, e] of Object.entries(errors)) constraints.set(name, e);
    });

    app.setErrorHandler((err: FastifyError, request, reply) => {
      const appError = toAppError(err, constraints);
      if (appError.code === 'database_unavailable') {
        // An outage answers many requests alike: one short line each, no stack.
        request.log.warn(
          { code: appError.code, reason: err.message },
          'request failed: database unavailable',
        );
      } else if (appError.statusCode >= 500) {
        request.log.error({ err }, 'request failed');
      } else if (!(err instanceof AppError)) {
        request.log.info({ code: appError.code, reason: err.message }, 'request rejected');
      }
      return sendError(request, reply, appError);
    });

    app.setNotFoundHandler((request, reply) =>
      sendError(
        request,
        reply,
        new AppError(404, 'not_found', `Route ${request.method} ${request.url.split('?')[0]} not found`),
      ),
    );
  },
  { name: 'voyage-error-handler' },
);
