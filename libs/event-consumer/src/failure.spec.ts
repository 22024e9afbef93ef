import { UndecodableRecordError } from '@ensemble/event-codec';
import { EnsembleError } from '@ensemble/retry';
import { classifyFailure, NonRetriableError, NotYetApplicableError } from './failure';

const pgError = (code: string, message = 'from PostgreSQL') => Object.assign(new Error(message), { code });

describe('classifyFailure', () => {
  it.each([
    ['a unique violation of the service’s own tables', pgError('23505'), 'permanent', 'constraint-violation'],
    ['a check violation', pgError('23514'), 'permanent', 'constraint-violation'],
    ['a value out of range', pgError('22003'), 'permanent', 'invalid-data'],
    ['a handler’s NonRetriableError', new NonRetriableError('contradicts the state'), 'permanent', 'non-retriable'],
    ['an undecodable record', new UndecodableRecordError('corrupt-body', 'short'), 'permanent', 'corrupt-body'],
    ['an error that says no retry helps', Object.assign(new Error('too large to publish'), { retriable: false }), 'permanent', 'non-retriable'],
    ['an EnsembleError that says no retry helps', new EnsembleError('refused', { retriable: false }), 'permanent', 'non-retriable'],
    ['an EnsembleError that says a retry may help', new EnsembleError('busy', { retriable: true }), 'retriable', 'handler-failed'],
    ['a lock timeout', pgError('55P03'), 'retriable', 'handler-failed'],
    ['an undefined column (a bad deployment, not a bad record)', pgError('42703'), 'retriable', 'handler-failed'],
    ['a deadlock', pgError('40P01'), 'retriable', 'handler-failed'],
    ['an error without a code', new Error('boom'), 'retriable', 'handler-failed'],
    ['an event ahead of its cause', new NotYetApplicableError('no payment yet'), 'not-yet', 'not-yet-applicable'],
    ['a refused connection', pgError('ECONNREFUSED'), 'outage', 'database-unavailable'],
    ['an administrator’s shutdown', pgError('57P01'), 'outage', 'database-unavailable'],
    ['a connection exception', pgError('08006'), 'outage', 'database-unavailable'],
    ['a dropped connection', new Error('Connection terminated unexpectedly'), 'outage', 'database-unavailable'],
  ])('classifies %s', (_case, error, kind, reason) => {
    expect(classifyFailure(error)).toEqual({ kind, reason, message: error.message });
  });
});
