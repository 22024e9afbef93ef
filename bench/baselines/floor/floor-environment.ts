/** What floor-pipeline.ts hands its processes. */
export const FLOOR_CHANNEL = 'floor_outbox';

export function floorEnvironment(env: Record<string, string | undefined> = process.env) {
  const { FLOOR_DATABASE_URL, FLOOR_TOPIC, FLOOR_PORT, FLOOR_CONSUMER } = env;
  if (!FLOOR_DATABASE_URL || !FLOOR_TOPIC) throw new Error('FLOOR_DATABASE_URL and FLOOR_TOPIC are set by floor-pipeline.ts');
  return { databaseUrl: FLOOR_DATABASE_URL, topic: FLOOR_TOPIC, port: Number(FLOOR_PORT ?? 0), consumer: FLOOR_CONSUMER ?? '' };
}

/** The consumer group of one of the floor's consumers. */
export function groupOf(topic: string, consumer: string): string {
  return `${topic}.${consumer}`;
}
