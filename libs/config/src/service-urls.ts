import { httpUrl, parseEnvironment } from './environment';
import { DEFAULT_HTTP_PORTS, SERVICE_NAMES, ServiceName } from './services';

/** Injection token of the services' URLs, as {@link loadServiceUrls} parses them. */
export const SERVICE_URLS = Symbol('SERVICE_URLS');

/** `payments` -> `PAYMENTS_URL`: the variable that tells a tool or another service where a service answers HTTP. */
export function serviceUrlVariable(service: ServiceName): string {
  return `${service.toUpperCase()}_URL`;
}

const serviceUrlShape = Object.fromEntries(
  SERVICE_NAMES.map((service) => [serviceUrlVariable(service), httpUrl.default(`http://127.0.0.1:${DEFAULT_HTTP_PORTS[service]}`)]),
);

/** Where each service answers HTTP: `<SERVICE>_URL`, by default 127.0.0.1 at its port in DEFAULT_HTTP_PORTS. */
export function loadServiceUrls(env: Record<string, string | undefined> = process.env): Record<ServiceName, string> {
  const parsed = parseEnvironment(serviceUrlShape, env) as Record<string, string>;
  return Object.fromEntries(SERVICE_NAMES.map((service) => [service, parsed[serviceUrlVariable(service)]])) as Record<ServiceName, string>;
}
