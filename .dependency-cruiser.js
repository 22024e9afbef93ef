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

/**
 * TEMPORARY: the dashboards' screenshot CLI and live-view spec import infra's Chromium path. They
 * are moving to apps/console and the top layer (issue 14); drop this list and its rule once they have.
 */
const DASHBOARDS_USING_CHROMIUM = ['^apps/dashboards/cli/screenshot\\.ts$', '^apps/dashboards/test/live-view\\.int-spec\\.ts$'];

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
      from: { path: '^apps/', pathNot: DASHBOARDS_USING_CHROMIUM },
      to: { path: TOP_LAYER },
    },
    {
      name: 'TEMPORARY-dashboards-import-only-chromium-from-infra',
      comment: 'The one exception to apps-import-only-libs while the live view moves out of dashboards; see DASHBOARDS_USING_CHROMIUM.',
      severity: 'error',
      from: { path: DASHBOARDS_USING_CHROMIUM },
      to: { path: TOP_LAYER, pathNot: '^infra/src/chromium\\.ts$' },
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
      comment: 'libs/testing starts servers and writes test data: specs, e2e, bench and tools use it, running code never does.',
      severity: 'error',
      from: { pathNot: [SPECS, '^libs/testing/', '^(e2e|bench|tools)/'] },
      to: { path: '^libs/testing/' },
    },
    {
      name: 'registry-client-only-in-event-codec',
      comment: 'libs/event-codec is the one place that talks to the schema registry; everything else encodes and decodes through an EventCodec.',
      severity: 'error',
      from: { pathNot: ['^libs/event-codec/', '^infra/', SPECS] },
      to: { path: '^node_modules/@kafkajs/confluent-schema-registry/' },
    },
    {
      // One place builds Kafka clients: libs/platform, through createKafka, once per process; running code
      // is handed the client (KAFKA_CLIENT) and imports kafkajs for its types only. infra, specs and the
      // top layer's commands import kafkajs values, so the rule covers libraries and services.
      name: 'kafka-clients-built-only-by-create-kafka',
      comment: 'Outside createKafka, libraries and services take the Kafka client they are given: kafkajs is imported for types only.',
      severity: 'error',
      from: { path: '^(libs|apps/[^/]+/src)/', pathNot: ['^libs/kafka/src/create-kafka\\.ts$', SPECS] },
      to: { path: '^node_modules/kafkajs/', preCompilationOnly: false },
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
    doNotFollow: { path: '^node_modules/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports count for the layers too; 'specify' marks them, for the kafkajs rule.
    tsPreCompilationDeps: 'specify',
  },
};
