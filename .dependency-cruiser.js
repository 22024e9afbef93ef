/**
 * Which folder may import which, checked by `npm run lint:layers` (part of `npm test`).
 *
 * Three layers, each importing only the ones below it:
 *   libs/   how events are written, relayed, encoded, consumed and replayed (reads schemas/)
 *   apps/   what each service does with them; an app imports libs only, never another app
 *   infra/, bench/, e2e/, tools/   what drives several apps at once
 *
 * Who may import what is stated per package or library below; a new rule of that kind is one more
 * entry in `forbidden`, with a comment that says why.
 */
const TOP_LAYER = '^(infra|bench|e2e|tools)/';
const SPECS = '\\.(spec|int-spec)\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'libs-stay-at-the-bottom',
      comment: 'A library serves every service: it cannot know about an app or about what drives the apps.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: ['^apps/', TOP_LAYER] },
    },
    {
      name: 'apps-import-only-libs',
      comment: 'A service builds on libs/ alone; infra, bench, e2e and tools drive services, not the other way round.',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: TOP_LAYER },
    },
    {
      name: 'apps-never-import-each-other',
      comment: 'Services know each other only through events (and HTTP): what two of them share belongs in libs/.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'testing-only-in-specs-and-drivers',
      comment: 'libs/testing starts servers and writes test data: specs, the test stack (infra/test), e2e, bench and tools use it, running code never does.',
      severity: 'error',
      from: { pathNot: [SPECS, '^libs/testing/', '^infra/test/', '^(e2e|bench|tools)/'] },
      to: { path: '^libs/testing/' },
    },
    {
      name: 'registry-client-only-in-event-codec',
      comment: 'libs/event-codec is the one place that talks to the schema registry; everything else encodes and decodes through an EventCodec.',
      severity: 'error',
      from: { pathNot: ['^libs/event-codec/', '^infra/', SPECS] },
      to: { path: '(^|/)node_modules/@kafkajs/confluent-schema-registry/' },
    },
    {
      // libs/platform builds the process's Kafka client and codec once (so that a process fetches each
      // schema id once); libraries and services are handed them. Specs and the top layer build their own.
      name: 'clients-built-only-by-the-platform-module',
      comment: 'Only libs/platform calls createKafka and createEventCodec; everything else in libs and apps injects KAFKA_CLIENT and EventCodec.',
      severity: 'error',
      from: { pathNot: ['^libs/platform/', TOP_LAYER, SPECS] },
      to: { path: ['^libs/kafka/src/create-kafka\\.ts$', '^libs/event-codec/src/registry-codec\\.ts$'] },
    },
    {
      // The same promise seen from kafkajs: running code imports it for its types only, so that no
      // library or service can build a client around the two factories above.
      name: 'kafkajs-for-types-only',
      comment: 'Outside the client and producer factories, libraries and services import kafkajs for its types only.',
      severity: 'error',
      from: { path: '^(libs|apps/[^/]+/src)/', pathNot: ['^libs/kafka/src/(create-kafka|ordered-producer)\\.ts$', SPECS] },
      to: { path: '(^|/)node_modules/kafkajs/', preCompilationOnly: false },
    },
    {
      name: 'opentelemetry-sdk-only-in-tracing',
      comment: 'libs/tracing starts the OpenTelemetry SDK and its instrumentations; the rest of the code reaches traces through @ensemble/tracing or the OpenTelemetry API.',
      severity: 'error',
      from: { pathNot: ['^libs/tracing/'] },
      to: { path: '(^|/)node_modules/@opentelemetry/(?!api/)' },
    },
    {
      name: 'imports-resolve',
      comment: 'An import the checker cannot resolve is one whose layer it cannot check (a path alias missing from tsconfig.json, a typo).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: '(^|/)node_modules/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count for the layers too; 'specify' marks them, for the kafkajs rule.
    tsPreCompilationDeps: 'specify',
  },
};
