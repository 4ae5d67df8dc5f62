// One error shape for every route: status, a stable code, a message that names the field.
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { dottedField } from '../domain/events.js';
import { INSTANT_HINT } from '../domain/instants.js';
import { INSTANT_FORMAT, INSTANT_QUERY_HINT } from './querySchemas.js';

export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
  },
  { $id: 'ErrorResponse' },
);

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Ajv's first complaint, said so a person can act on it: the allowed values of a choice, the shape of a time. */
function validationMessage(errors: NonNullable<FastifyError['validation']>): string {
  const first = errors[0];
  if (!first) return 'invalid';
  // A union of literals fails once per literal (keyword const), then as a whole (anyOf).
  const allowed = errors.filter((e) => e.instancePath === first.instancePath && e.keyword === 'const').map((e) => (e.params as { allowedValue: unknown }).allowedValue);
  if (allowed.length > 0) return `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  const format = first.keyword === 'format' ? (first.params as { format?: string }).format : undefined;
  if (format === INSTANT_FORMAT) return `must be ${INSTANT_QUERY_HINT}`;
  if (format === 'date-time') return `must be ${INSTANT_HINT}`;
  if (first.keyword === 'additionalProperties') return 'is not a known field';
  return first.message ?? 'invalid';
}

/** Map fastify's own errors (validation, body size, content type) and ours to ErrorResponse. */
export function handleError(error: FastifyError | ApiError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof ApiError) {
    if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.status(error.statusCode).send({ statusCode: error.statusCode, code: error.code, message: error.message, field: error.field });
    return;
  }
  const fe = error as FastifyError;
  if (fe.validation) {
    const first = fe.validation[0];
    const where = fe.validationContext ?? 'body';
    const path = first?.instancePath && dottedField(first.instancePath);
    // A missing property or an unknown one ("additionalProperties: false") is named too.
    const params = first?.params as { missingProperty?: string; additionalProperty?: string } | undefined;
    const missing = params?.missingProperty ?? params?.additionalProperty;
    const field = [where === 'body' ? '' : where, path, missing].filter(Boolean).join('.') || where;
    void reply.status(400).send({ statusCode: 400, code: 'invalid_request', message: `${field}: ${validationMessage(fe.validation)}`, field });
    return;
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 'payload_too_large' : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : 'bad_request';
    void reply.status(fe.statusCode).send({ statusCode: fe.statusCode, code, message: fe.message });
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  void reply.status(500).send({ statusCode: 500, code: 'internal_error', message: 'internal error; see the server log' });
}
