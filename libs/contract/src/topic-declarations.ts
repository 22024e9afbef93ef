import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { KAFKA_PROFILES, KafkaProfile } from '@ensemble/config';
import { SCHEMAS_DIR } from '@ensemble/events';

/** `infra/topics.yaml`, beside `schemas/` at the root of the repository (or of the image). */
export const TOPICS_FILE = join(dirname(SCHEMAS_DIR), 'infra', 'topics.yaml');

const topicEntry = z.strictObject({
  name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9-]+)*$/, 'expected <service>.<event-in-kebab-case>'),
  partitions: z.number().int().min(1),
  /** -1 keeps records forever. */
  retentionMs: z.number().int().min(-1),
  cleanupPolicy: z.enum(['delete', 'compact', 'compact,delete']),
  /** Kafka's `max.message.bytes` for the topic; the broker's default when absent. */
  maxMessageBytes: z.number().int().min(1_024).optional(),
});

const replication = z
  .strictObject({
    brokers: z.number().int().min(1),
    replicationFactor: z.number().int().min(1),
    minInsyncReplicas: z.number().int().min(1),
  })
  .refine((profile) => profile.replicationFactor <= profile.brokers, 'replicationFactor cannot exceed brokers')
  .refine((profile) => profile.minInsyncReplicas <= profile.replicationFactor, 'minInsyncReplicas cannot exceed replicationFactor');

/** How many copies of every partition a layout of Kafka keeps, its internal topics' included. */
export type Replication = z.infer<typeof replication>;

/** A topic's settings under one profile. */
export type TopicDeclaration = z.infer<typeof topicEntry> & Pick<Replication, 'replicationFactor' | 'minInsyncReplicas'>;

const declarationFile = z.strictObject({
  profiles: z.strictObject(Object.fromEntries(Object.keys(KAFKA_PROFILES).map((profile) => [profile, replication])) as Record<KafkaProfile, typeof replication>),
  topics: z.array(topicEntry).min(1),
});

/** `infra/topics.yaml` does not hold: names the file, and each entry and field that is wrong. */
export class TopicDeclarationsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopicDeclarationsError';
  }
}

/**
 * Reads and checks the topic declarations, the one source of every topic's settings, under one
 * profile (the single broker's unless told); a bad entry names the topic and the field.
 */
export function loadTopicDeclarations(profile: KafkaProfile = 'single', file: string = TOPICS_FILE): TopicDeclaration[] {
  const { profiles, topics } = readDeclarations(file);
  const { replicationFactor, minInsyncReplicas } = profiles[profile];
  return topics.map((topic) => ({ ...topic, replicationFactor, minInsyncReplicas }));
}

/** What a profile asks of Kafka: its brokers, and the copies kept of every partition, for the brokers' own configuration. */
export function loadReplication(profile: KafkaProfile, file: string = TOPICS_FILE): Replication {
  return readDeclarations(file).profiles[profile];
}

function readDeclarations(file: string): z.infer<typeof declarationFile> {
  const parsed = declarationFile.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new TopicDeclarationsError(`${file} is invalid:\n${problems.join('\n')}`);
  }
  const names = parsed.data.topics.map((topic) => topic.name);
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) throw new TopicDeclarationsError(`${file} declares ${repeated.join(', ')} more than once`);
  return parsed.data;
}

/** The topic settings Ensemble manages, as Kafka names them: what infra:up sets, and what the contract states. */
export function managedConfig(topic: TopicDeclaration): Record<string, string> {
  return {
    'retention.ms': String(topic.retentionMs),
    'cleanup.policy': topic.cleanupPolicy,
    'min.insync.replicas': String(topic.minInsyncReplicas),
    ...(topic.maxMessageBytes === undefined ? {} : { 'max.message.bytes': String(topic.maxMessageBytes) }),
  };
}
