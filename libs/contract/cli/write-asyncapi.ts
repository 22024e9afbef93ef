/** npm run asyncapi — writes the platform's AsyncAPI document, generated from schemas/, infra/topics.yaml and SERVICES. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from '@ensemble/config';
import { ASYNCAPI_FILE, asyncApiDocument } from '../src/asyncapi-document';
import { Contract } from '../src/contract';

parseCommandLine({ command: 'asyncapi', usage: 'usage: npm run asyncapi' });
writeFileSync(join(__dirname, '..', '..', '..', ASYNCAPI_FILE), `${JSON.stringify(asyncApiDocument(Contract.load()), null, 2)}\n`);
console.log(`wrote ${ASYNCAPI_FILE}`);
