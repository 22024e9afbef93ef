import { EventDefinition } from '@ensemble/events';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * Every event subject's compatibility level. Replay reads records written with every earlier schema
 * (backward, against all versions), and consumers deploy on their own schedule, so they meet records
 * from a newer producer (forward). BACKWARD alone would let a producer drop a required field that
 * every not-yet-upgraded consumer still reads.
 */
export const EVENT_COMPATIBILITY = 'FULL_TRANSITIVE';

export type SchemaCheckResult =
  | { subject: string; outcome: 'registered' | 'unchanged'; id: number }
  | { subject: string; outcome: 'incompatible' | 'failed'; reason: string };

/**
 * Registers each event's schema under its subject with {@link EVENT_COMPATIBILITY}. The registry
 * rejects an incompatible schema and keeps the subject as it was; the result says why.
 */
export async function registerSchemas(registryUrl: string, events: EventDefinition[]): Promise<SchemaCheckResult[]> {
  const results: SchemaCheckResult[] = [];
  for (const event of events) results.push(await registerSchema(registryUrl, event));
  return results;
}

async function registerSchema(registryUrl: string, event: EventDefinition): Promise<SchemaCheckResult> {
  const { subject } = event;
  const subjectUrl = `${registryUrl}/subjects/${encodeURIComponent(subject)}`;
  const schema = JSON.stringify({ schema: JSON.stringify(event.schema), schemaType: 'AVRO' });
  try {
    const config = await request(`${registryUrl}/config/${encodeURIComponent(subject)}`, {
      method: 'PUT',
      body: JSON.stringify({ compatibility: EVENT_COMPATIBILITY }),
    });
    if (config.status !== 200) return { subject, outcome: 'failed', reason: describe(config) };

    const existing = await request(`${subjectUrl}?normalize=false`, { method: 'POST', body: schema });
    if (existing.status === 200) return { subject, outcome: 'unchanged', id: (existing.body as { id: number }).id };

    const registered = await request(`${subjectUrl}/versions`, { method: 'POST', body: schema });
    if (registered.status === 200) return { subject, outcome: 'registered', id: (registered.body as { id: number }).id };
    if (registered.status === 409) return { subject, outcome: 'incompatible', reason: describe(registered) };
    return { subject, outcome: 'failed', reason: describe(registered) };
  } catch (error) {
    return { subject, outcome: 'failed', reason: `registry unreachable at ${registryUrl}: ${(error as Error).message}` };
  }
}

async function request(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { ...init, headers: { 'Content-Type': CONTENT_TYPE } });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text for the message.
  }
  return { status: response.status, body };
}

function describe({ status, body }: { status: number; body: unknown }): string {
  const message = typeof body === 'object' && body && 'message' in body ? String(body.message) : String(body);
  return `${status}: ${message}`;
}
