/** What a service is to the rest of the platform: where it answers HTTP, and which events it publishes and reacts to. */
export interface ServiceDeclaration {
  /** Where the service serves HTTP unless HTTP_PORT says otherwise. */
  httpPort: number;
  /**
   * Publishes events through a transactional outbox: the events whose schemas are under
   * `schemas/<service>/`. `describeChoreography` (libs/events), which the contract, the console
   * and their specs build, refuses a declaration the schemas contradict.
   */
  produces: boolean;
  /**
   * The event types it reacts to, each through an `@EventPattern` handler, in a consumer group named
   * after it, with its own retry and dead-letter topics; none for a service that consumes nothing.
   * Its consumer refuses to start when its handlers differ from this list.
   */
  reactsTo: readonly string[];
  /**
   * The RabbitMQ work queue (`<service>.<name>`) through which it hands itself jobs (emails, say):
   * its outbox publishes them there, its workers take them, `npm run dlq` lists and redrives its dead letters.
   */
  workQueue?: string;
}

/**
 * The services of the choreography, each declared once. Each owns one PostgreSQL database, named
 * after it, and knows the others only through events; its module reads its own row, and the
 * service lists, the failure topics, the infrastructure and the contract (`npm run asyncapi`)
 * derive from this table.
 */
export const SERVICES = {
  payments: { httpPort: 3000, produces: true, reactsTo: [] },
  invoice: { httpPort: 3001, produces: true, reactsTo: ['PaymentCompleted'] },
  crm: { httpPort: 3002, produces: false, reactsTo: ['PaymentCompleted'] },
  shipping: { httpPort: 3003, produces: true, reactsTo: ['PaymentCompleted'] },
  dashboards: { httpPort: 3004, produces: false, reactsTo: ['PaymentCompleted', 'InvoiceIssued', 'ShipmentScheduled'] },
  notifications: { httpPort: 3006, produces: true, reactsTo: ['InvoiceIssued', 'ShipmentScheduled'], workQueue: 'notifications.emails' },
} as const satisfies Record<string, ServiceDeclaration>;

export type ServiceName = keyof typeof SERVICES;

export const SERVICE_NAMES = Object.keys(SERVICES) as readonly ServiceName[];

/** Whether a service reacts to events, and so runs a consumer. */
export function consumes(service: ServiceName): boolean {
  return SERVICES[service].reactsTo.length > 0;
}

/** The services that react to `eventType`. */
export function reactingTo(eventType: string): ServiceName[] {
  return SERVICE_NAMES.filter((service) => (SERVICES[service].reactsTo as readonly string[]).includes(eventType));
}

/** The services that react to events. */
export const CONSUMING_SERVICES: ServiceName[] = SERVICE_NAMES.filter(consumes);

/** The work queue a service hands itself jobs through, if it has one. */
export function workQueueOf(service: ServiceName): string | undefined {
  return (SERVICES[service] as ServiceDeclaration).workQueue;
}

/** A consuming service's consumer group: its name (`CONSUMER_GROUP` names another only for an instance a spec runs beside the service's own). */
export function consumerGroup(service: ServiceName): string {
  return service;
}

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
