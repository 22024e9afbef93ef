import 'reflect-metadata';
import { DynamicModule, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { SERVICE_NAMES, ServiceName } from '@ensemble/config';
import { checkHandlersAgainstDeclaration } from '@ensemble/event-consumer';
import { loadEventCatalogue } from '@ensemble/events';
import { CrmModule } from '../apps/crm/src/crm.module';
import { DashboardsModule } from '../apps/dashboards/src/dashboards.module';
import { InvoiceModule } from '../apps/invoice/src/invoice.module';
import { NotificationsModule } from '../apps/notifications/src/notifications.module';
import { PaymentsModule } from '../apps/payments/src/payments.module';
import { ShippingModule } from '../apps/shipping/src/shipping.module';

/** Each service's root module, as its main.ts starts it. */
const MODULES: Record<ServiceName, Type> = {
  payments: PaymentsModule,
  invoice: InvoiceModule,
  crm: CrmModule,
  shipping: ShippingModule,
  dashboards: DashboardsModule,
  notifications: NotificationsModule,
};

/** The controllers of a module and of every module it imports, as Nest would find them, without starting anything. */
function controllersOf(module: Type | DynamicModule, seen = new Set<unknown>()): Array<Type> {
  if (seen.has(module)) return [];
  seen.add(module);
  const dynamic = 'module' in module ? module : undefined;
  const moduleClass = dynamic?.module ?? (module as Type);
  const imports: Array<Type | DynamicModule> = [...(Reflect.getMetadata(MODULE_METADATA.IMPORTS, moduleClass) ?? []), ...(dynamic?.imports ?? [])];
  return [
    ...(Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, moduleClass) ?? []),
    ...(dynamic?.controllers ?? []),
    ...imports.flatMap((imported) => controllersOf(imported, seen)),
  ];
}

/** The patterns of every `@EventPattern` (and `@RebuildFrom`) handler of the controllers, read from their metadata. */
function handlerPatterns(controllers: Array<Type>): string[] {
  return controllers.flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype).flatMap((method): string[] => Reflect.getMetadata(PATTERN_METADATA, controller.prototype[method]) ?? []),
  );
}

describe("each service's event handlers", () => {
  const catalogue = loadEventCatalogue();

  it.each(SERVICE_NAMES)('of %s are the reactions SERVICES declares for it, as its consumer checks when it starts', (service) => {
    const patterns = handlerPatterns(controllersOf(MODULES[service]));

    expect(() => checkHandlersAgainstDeclaration(service, patterns, catalogue)).not.toThrow();
  });
});
