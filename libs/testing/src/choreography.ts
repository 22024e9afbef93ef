import { PROCESS_NAMES, ProcessName, SERVICE_NAMES, ServiceName, serviceUrlVariable } from '@ensemble/config';
import { pollUntil } from '@ensemble/retry';
import { ServiceProcess } from './service-process';

/**
 * All five services as real processes on their own ports (31xx, clear of a developer's `npm start`),
 * which a spec can stop, kill and start again one by one; the console too, when a spec asks for it.
 * Each is told where the others answer (`<SERVICE>_URL`), as the console needs.
 */
export class Choreography {
  private readonly running = new Map<ProcessName, ServiceProcess>();

  constructor(
    private readonly env: Record<string, string> = {},
    private readonly basePort = 3110,
    /** Options for node itself, e.g. --cpu-prof. */
    private readonly nodeArgs: string[] = [],
  ) {}

  async start(services: readonly ProcessName[] = SERVICE_NAMES): Promise<this> {
    await Promise.all(services.map((service) => this.startOne(service)));
    return this;
  }

  /** The running service processes, e.g. to sample their memory and CPU. */
  get processes(): ReadonlyMap<ProcessName, ServiceProcess> {
    return this.running;
  }

  url(service: ProcessName): string {
    return `http://127.0.0.1:${this.port(service)}`;
  }

  async startOne(service: ProcessName): Promise<void> {
    const env = { ...Object.fromEntries(PROCESS_NAMES.map((other) => [serviceUrlVariable(other), this.url(other)])), ...this.env };
    this.running.set(service, await ServiceProcess.start(service, { port: this.port(service), name: `choreography-${service}`, env, nodeArgs: this.nodeArgs }));
  }

  async kill(service: ProcessName): Promise<void> {
    await this.running.get(service)?.kill();
    this.running.delete(service);
  }

  async stopOne(service: ProcessName): Promise<void> {
    await this.running.get(service)?.stop();
    this.running.delete(service);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.keys()].map((service) => this.stopOne(service)));
  }

  private port(service: ProcessName): number {
    return this.basePort + PROCESS_NAMES.indexOf(service);
  }
}

/**
 * Every service but those named: for a spec that has no use for them and should not pay for their
 * work (notifications, whose emails cost a busy spec's payments CPU, say). A later spec that runs
 * one of them starts it past what it left (see skipNotificationsBacklog).
 */
export function servicesWithout(...left: ServiceName[]): ServiceName[] {
  return SERVICE_NAMES.filter((service) => !left.includes(service));
}

/** The specs' wait: {@link pollUntil} every 100 ms, for a minute unless told otherwise. */
export function eventually<T>(probe: () => Promise<T | undefined>, description: string, timeoutMs = 60_000): Promise<T> {
  return pollUntil(probe, { description, timeoutMs, intervalMs: 100 });
}
