/**
 * One run for unit specs (`*.spec.ts`, beside the code) and integration specs (`test/*.int-spec.ts`,
 * against the real Kafka, schema registry and PostgreSQL, which the global setup brings up).
 */
module.exports = {
  testEnvironment: 'node',
  rootDir: '.',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/infra', '<rootDir>/e2e'],
  testRegex: '\\.(spec|int-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: { '^@ensemble/([a-z-]+)(/.*)?$': '<rootDir>/libs/$1/src$2' },
  globalSetup: '<rootDir>/infra/test/global-setup.ts',
  globalTeardown: '<rootDir>/infra/test/global-teardown.ts',
  testTimeout: 60_000,
  // Specs share the real servers (and assert on what a topic received); on two cores parallel workers would only contend.
  maxWorkers: 1,
  // A failing spec can leave a client retrying against the stack the teardown has removed; the run
  // still ends, with its failures, instead of waiting for CI's limit.
  forceExit: true,
};
