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
  private readonly expected = parseEnvironment({ ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters').optional() }).ADMIN_TOKEN;

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected) {
      throw new ApiError(HttpStatus.FORBIDDEN, 'admin_api_disabled', 'The admin API is off: start the service with ADMIN_TOKEN set');
    }
    const header = context.switchToHttp().getRequest<Request>().header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    // Hashes have equal lengths, so the comparison takes the same time whatever the token.
    if (!timingSafeEqual(digest(token), digest(this.expected))) {
      throw new ApiError(HttpStatus.UNAUTHORIZED, 'admin_token_required', 'The admin API needs Authorization: Bearer <ADMIN_TOKEN>');
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
