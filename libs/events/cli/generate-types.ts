/** npm run schemas:types — regenerates the TypeScript event types from schemas/. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from '@ensemble/config';
import { loadEventCatalogue } from '../src/event-catalogue';
import { GENERATED_TYPES_FILE, renderEventTypes } from './render-event-types';

parseCommandLine({ command: 'schemas:types', usage: 'usage: npm run schemas:types' });
const target = join(__dirname, '..', '..', '..', GENERATED_TYPES_FILE);
writeFileSync(target, renderEventTypes(loadEventCatalogue()));
console.log(`wrote ${GENERATED_TYPES_FILE}`);
