import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, HttpStatus, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { z } from 'zod';
import { parseEnvironment } from '@ensemble/config';
import { ApiError } from './api-error';

/**
 * Admits a request to the admin API only with `Authorization: Bearer <ADMIN_TOKEN>`. Without
 * ADMIN_TOKEN in the environment the admin API is off, and says so.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    requireAdminToken(context.switchToHttp().getRequest<Request>());
    return true;
  }
}

/** Throws 403 when the admin API is off and 401 unless the request carries the admin token; for a route that is admin-only in part. */
export function requireAdminToken(request: Request): void {
  const expected = adminToken();
  if (!expected) {
    throw new ApiError(HttpStatus.FORBIDDEN, 'admin_api_disabled', 'The admin API is off: start the service with ADMIN_TOKEN set');
  }
  const header = request.header('authorization') ?? '';
  const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  // Hashes have equal lengths, so the comparison takes the same time whatever the token.
  if (!timingSafeEqual(digest(token), digest(expected))) {
    throw new ApiError(HttpStatus.UNAUTHORIZED, 'admin_token_required', 'This needs Authorization: Bearer <ADMIN_TOKEN>');
  }
}

let configured: { token?: string } | undefined;

/** ADMIN_TOKEN, read once. */
function adminToken(): string | undefined {
  configured ??= { token: parseEnvironment({ ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters').optional() }).ADMIN_TOKEN };
  return configured.token;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
