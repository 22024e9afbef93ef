import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Choreography, describeChoreography, EventCatalogue, loadEventCatalogue, SCHEMAS_DIR } from '@ensemble/events';
import { loadTopicDeclarations, TopicDeclaration } from './topic-declarations';

/**
 * What the platform promises, read from where each part is declared: the events and their owners
 * (`schemas/`), who reacts to which (`SERVICES`), the topics (`infra/topics.yaml`), and the
 * platform's version (`package.json`). The AsyncAPI document and the live view's map are drawn from it.
 */
export class Contract {
  readonly choreography: Choreography;

  constructor(
    readonly catalogue: EventCatalogue,
    readonly topics: TopicDeclaration[],
    readonly version: string,
  ) {
    this.choreography = describeChoreography(catalogue);
  }

  /** Reads the contract's sources; a process passes the catalogue it already has. */
  static load(catalogue: EventCatalogue = loadEventCatalogue()): Contract {
    const { version } = JSON.parse(readFileSync(join(dirname(SCHEMAS_DIR), 'package.json'), 'utf8')) as { version: string };
    return new Contract(catalogue, loadTopicDeclarations(), version);
  }

  /** The declaration of an event's topic; throws when infra/topics.yaml lacks it. */
  topic(name: string): TopicDeclaration {
    const topic = this.topics.find((candidate) => candidate.name === name);
    if (!topic) throw new Error(`${name} is not declared in infra/topics.yaml`);
    return topic;
  }
}
