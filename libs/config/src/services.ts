/** The services of the choreography. Each owns one PostgreSQL database and knows the others only through events. */
export const SERVICE_NAMES = ['payments', 'invoice', 'crm', 'shipping', 'dashboards'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The services that react to events (all but payments, which only produces them). */
export const CONSUMING_SERVICES: ServiceName[] = ['invoice', 'crm', 'shipping', 'dashboards'];

/** The services that publish events through a transactional outbox. */
export const PRODUCING_SERVICES: ServiceName[] = ['payments', 'invoice', 'shipping'];

/** `payments` -> `PAYMENTS_DATABASE_URL`: the variable that points a service at its own database. */
export function databaseUrlVariable(service: ServiceName): string {
  return `${service.toUpperCase()}_DATABASE_URL`;
}

/**
 * Every process `npm start` runs: the services, then the console, the operator's live view. The
 * console is not a service of the choreography: it has no database and projects no events; it
 * reads Kafka's offsets and calls the services over HTTP.
 */
export const PROCESS_NAMES = [...SERVICE_NAMES, 'console'] as const;

export type ProcessName = (typeof PROCESS_NAMES)[number];

/** Where each process serves HTTP unless HTTP_PORT says otherwise. */
export const DEFAULT_HTTP_PORTS: Record<ProcessName, number> = {
  payments: 3000,
  invoice: 3001,
  crm: 3002,
  shipping: 3003,
  dashboards: 3004,
  console: 3005,
};
