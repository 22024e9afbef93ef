import { ServiceName, SERVICES } from '@ensemble/config';
import { EventCatalogue } from '@ensemble/events';
import { EnsembleError } from '@ensemble/retry';
import { isRebuildPattern, rebuiltEventType } from './rebuild-from';

/**
 * A consuming service whose event handlers are not what `SERVICES` declares it reacts to: it does
 * not start, since the contract and the live view's map, drawn from the declaration, would lie.
 */
export class HandlersNotAsDeclaredError extends EnsembleError {
  constructor(
    readonly service: ServiceName,
    readonly problems: string[],
  ) {
    super(`${service}'s event handlers differ from its declaration in SERVICES (libs/config/src/services.ts): ${problems.join('; ')}`, { retriable: false });
  }
}

/**
 * Throws {@link HandlersNotAsDeclaredError} unless a service's handler patterns (`@EventPattern` and
 * `@RebuildFrom`) agree with its declaration: each event it reacts to has a handler and no other
 * event has one, and it rebuilds only from events it publishes.
 */
export function checkHandlersAgainstDeclaration(service: ServiceName, patterns: string[], catalogue: EventCatalogue): void {
  const declared: readonly string[] = SERVICES[service].reactsTo;
  const handled = patterns.filter((pattern) => !isRebuildPattern(pattern));
  const problems = [
    ...handled.filter((eventType) => !declared.includes(eventType)).map((eventType) => `handles ${eventType}, which it does not declare in reactsTo`),
    ...declared.filter((eventType) => !handled.includes(eventType)).map((eventType) => `declares it reacts to ${eventType} but has no @EventPattern('${eventType}') handler`),
    ...patterns
      .filter(isRebuildPattern)
      .map(rebuiltEventType)
      .filter((eventType) => catalogue.find(eventType)?.owner !== service)
      .map((eventType) => `rebuilds from ${eventType} (@RebuildFrom), which it does not publish`),
  ];
  if (problems.length > 0) throw new HandlersNotAsDeclaredError(service, problems);
}
