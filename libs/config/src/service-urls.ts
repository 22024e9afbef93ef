import { httpUrl, parseEnvironment } from './environment';
import { DEFAULT_HTTP_PORTS, PROCESS_NAMES, ProcessName } from './services';

/** Injection token of the processes' URLs: `PlatformConfig.serviceUrls`, as {@link loadServiceUrls} parses them. */
export const SERVICE_URLS = Symbol('SERVICE_URLS');

/** `payments` -> `PAYMENTS_URL`: the variable that tells a tool or another service where a service answers HTTP. */
export function serviceUrlVariable(service: ProcessName): string {
  return `${service.toUpperCase()}_URL`;
}

const serviceUrlShape = Object.fromEntries(
  PROCESS_NAMES.map((service) => [serviceUrlVariable(service), httpUrl.default(`http://127.0.0.1:${DEFAULT_HTTP_PORTS[service]}`)]),
);

/**
 * Where each process answers HTTP: `<SERVICE>_URL` (`CONSOLE_URL` for the console), by default
 * 127.0.0.1 at its port in DEFAULT_HTTP_PORTS. A section of `loadPlatformConfig`; a command that
 * needs nothing else calls it alone.
 */
export function loadServiceUrls(env: Record<string, string | undefined> = process.env): Record<ProcessName, string> {
  const parsed = parseEnvironment(serviceUrlShape, env) as Record<string, string>;
  return Object.fromEntries(PROCESS_NAMES.map((service) => [service, parsed[serviceUrlVariable(service)]])) as Record<ProcessName, string>;
}
