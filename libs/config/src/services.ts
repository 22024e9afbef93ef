/** The services of the choreography. Each owns one PostgreSQL database and knows the others only through events. */
export const SERVICE_NAMES = ['payments', 'invoice', 'crm', 'shipping', 'dashboards'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** `payments` -> `PAYMENTS_DATABASE_URL`: the variable that points a service at its own database. */
export function databaseUrlVariable(service: ServiceName): string {
  return `${service.toUpperCase()}_DATABASE_URL`;
}
