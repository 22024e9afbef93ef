import { SERVICE_NAMES, ServiceName, serviceUrlVariable } from '@ensemble/config';
import { pollUntil } from '@ensemble/retry';
import { ServiceProcess } from './service-process';

/**
 * All five services as real processes on their own ports (31xx, clear of a developer's `npm start`),
 * which a spec can stop, kill and start again one by one. Each is told where the others answer
 * (`<SERVICE>_URL`), as the dashboards' live view needs.
 */
export class Choreography {
  private readonly running = new Map<ServiceName, ServiceProcess>();

  constructor(
    private readonly env: Record<string, string> = {},
    private readonly basePort = 3110,
    /** Options for node itself, e.g. --cpu-prof. */
    private readonly nodeArgs: string[] = [],
  ) {}

  async start(services: readonly ServiceName[] = SERVICE_NAMES): Promise<this> {
    await Promise.all(services.map((service) => this.startOne(service)));
    return this;
  }

  /** The running service processes, e.g. to sample their memory and CPU. */
  get processes(): ReadonlyMap<ServiceName, ServiceProcess> {
    return this.running;
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.port(service)}`;
  }

  async startOne(service: ServiceName): Promise<void> {
    const env = { ...Object.fromEntries(SERVICE_NAMES.map((other) => [serviceUrlVariable(other), this.url(other)])), ...this.env };
    this.running.set(service, await ServiceProcess.start(service, { port: this.port(service), name: `choreography-${service}`, env, nodeArgs: this.nodeArgs }));
  }

  async kill(service: ServiceName): Promise<void> {
    await this.running.get(service)?.kill();
    this.running.delete(service);
  }

  async stopOne(service: ServiceName): Promise<void> {
    await this.running.get(service)?.stop();
    this.running.delete(service);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.keys()].map((service) => this.stopOne(service)));
  }

  private port(service: ServiceName): number {
    return this.basePort + SERVICE_NAMES.indexOf(service);
  }
}

/** The specs' wait: {@link pollUntil} every 100 ms, for a minute unless told otherwise. */
export function eventually<T>(probe: () => Promise<T | undefined>, description: string, timeoutMs = 60_000): Promise<T> {
  return pollUntil(probe, { description, timeoutMs, intervalMs: 100 });
}
