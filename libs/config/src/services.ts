/** What a service is to the rest of the platform: where it answers HTTP, and whether it publishes or consumes events. */
export interface ServiceDeclaration {
  /** Where the service serves HTTP unless HTTP_PORT says otherwise. */
  httpPort: number;
  /** Publishes events through a transactional outbox. */
  produces: boolean;
  /** Reacts to events, in a consumer group named after it, with its own retry and dead-letter topics. */
  consumes: boolean;
}

/**
 * The services of the choreography, each declared once. Each owns one PostgreSQL database, named
 * after it, and knows the others only through events; its module reads its own row, and the
 * service lists, the failure topics and the infrastructure derive from this table.
 */
export const SERVICES = {
  payments: { httpPort: 3000, produces: true, consumes: false },
  invoice: { httpPort: 3001, produces: true, consumes: true },
  crm: { httpPort: 3002, produces: false, consumes: true },
  shipping: { httpPort: 3003, produces: true, consumes: true },
  dashboards: { httpPort: 3004, produces: false, consumes: true },
} as const satisfies Record<string, ServiceDeclaration>;

export type ServiceName = keyof typeof SERVICES;

export const SERVICE_NAMES = Object.keys(SERVICES) as readonly ServiceName[];

/** The services that react to events. */
export const CONSUMING_SERVICES: ServiceName[] = SERVICE_NAMES.filter((service) => SERVICES[service].consumes);

/** The services that publish events through a transactional outbox. */
export const PRODUCING_SERVICES: ServiceName[] = SERVICE_NAMES.filter((service) => SERVICES[service].produces);

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
export const DEFAULT_HTTP_PORTS = {
  ...Object.fromEntries(SERVICE_NAMES.map((service) => [service, SERVICES[service].httpPort])),
  console: 3005,
} as Record<ProcessName, number>;
