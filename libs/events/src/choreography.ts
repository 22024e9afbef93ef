import { consumerGroup, SERVICE_NAMES, ServiceDeclaration, ServiceName, SERVICES } from '@ensemble/config';
import { EventCatalogue } from './event-catalogue';

/** What one service does in the choreography. */
export interface ServiceRole {
  service: ServiceName;
  /** The events it publishes through its outbox: those whose schemas are under `schemas/<service>/`. */
  publishes: string[];
  /** The events it reacts to, as `SERVICES` declares them. */
  reactsTo: string[];
  /** The consumer group it reacts in; null when it reacts to nothing. */
  group: string | null;
}

/** One event's path: who publishes it, on which topic, and who reacts to it. */
export interface EventFlow {
  eventType: string;
  topic: string;
  publisher: ServiceName;
  reactors: ServiceName[];
  /**
   * The events whose reactions publish this one: those its publisher reacts to (InvoiceIssued
   * follows from PaymentCompleted). None for an event a request sets off.
   */
  followsFrom: string[];
}

/**
 * Who publishes which event and who reacts to it, the one model the contract (`npm run asyncapi`,
 * `GET /asyncapi.json`) and the live view's map are drawn from. Publishing is where a schema lives;
 * reacting is what `SERVICES` declares, which each consumer checks against its handlers at start.
 */
export interface Choreography {
  services: ServiceRole[];
  events: EventFlow[];
}

/** A declaration in `SERVICES` that the schemas contradict: names each contradiction. */
export class ChoreographyDeclarationError extends Error {
  constructor(readonly problems: string[]) {
    super(`SERVICES (libs/config/src/services.ts) contradicts schemas/:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    this.name = 'ChoreographyDeclarationError';
  }
}

/**
 * The choreography of the catalogue's events and the services' declarations. Throws, naming every
 * contradiction, when a service reacts to an event no schema defines, or declares `produces`
 * otherwise than its schemas say.
 */
export function describeChoreography(
  catalogue: EventCatalogue,
  declarations: Record<ServiceName, ServiceDeclaration> = SERVICES,
): Choreography {
  const problems: string[] = [];
  const services = SERVICE_NAMES.map((service): ServiceRole => {
    const { produces, reactsTo } = declarations[service];
    const publishes = catalogue.events.filter((event) => event.owner === service).map((event) => event.eventType);
    if (produces !== publishes.length > 0) {
      problems.push(produces ? `${service} declares produces: true but owns no schema under schemas/${service}/` : `${service} declares produces: false but owns ${publishes.join(', ')}`);
    }
    for (const eventType of reactsTo) {
      if (!catalogue.find(eventType)) problems.push(`${service} reacts to ${eventType}, which no schema under schemas/ defines`);
    }
    return { service, publishes, reactsTo: [...reactsTo], group: reactsTo.length > 0 ? consumerGroup(service) : null };
  });
  if (problems.length > 0) throw new ChoreographyDeclarationError(problems);
  const events = catalogue.events.map(
    ({ eventType, topic, owner }): EventFlow => ({
      eventType,
      topic,
      publisher: owner,
      reactors: services.filter((role) => role.reactsTo.includes(eventType)).map((role) => role.service),
      followsFrom: [...declarations[owner].reactsTo],
    }),
  );
  return { services, events };
}
