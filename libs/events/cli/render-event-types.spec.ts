import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEventCatalogue } from '../src/event-catalogue';
import { GENERATED_TYPES_FILE, renderEventTypes } from './render-event-types';

describe('generated event types', () => {
  it('match the Avro schemas (run `npm run schemas:types` after changing one)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', GENERATED_TYPES_FILE), 'utf8');
    expect(committed).toBe(renderEventTypes(loadEventCatalogue()));
  });
});
