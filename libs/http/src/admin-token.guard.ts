import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { Request } from 'express';
import { PLATFORM_CONFIG, PlatformConfig } from '@ensemble/config';
import { ApiError } from './api-error';

/**
 * Admits a request to the admin API only with `Authorization: Bearer <ADMIN_TOKEN>`. Without
 * ADMIN_TOKEN in the environment the admin API is off, and says so.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  canActivate(context: ExecutionContext): boolean {
    requireAdminToken(context.switchToHttp().getRequest<Request>(), this.config.http.adminToken);
    return true;
  }
}

/**
 * Throws 403 when the admin API is off (no `expected` token) and 401 unless the request carries the
 * admin token; for a route that is admin-only in part.
 */
export function requireAdminToken(request: Request, expected: string | undefined): void {
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

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
