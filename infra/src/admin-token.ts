import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPOSITORY_ROOT } from './infra-config';

const TOKEN_FILE = join(REPOSITORY_ROOT, '.ensemble', 'admin-token');

/**
 * The token of the services' admin API on this checkout: ADMIN_TOKEN when set, otherwise one made
 * on first use and kept in .ensemble/admin-token (readable by its owner only), so that
 * `npm start` and `npm run replay` agree without anyone choosing a password.
 */
export function localAdminToken(): string {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  if (!existsSync(TOKEN_FILE)) {
    mkdirSync(dirname(TOKEN_FILE), { recursive: true });
    writeFileSync(TOKEN_FILE, randomBytes(24).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(TOKEN_FILE, 'utf8').trim();
}
