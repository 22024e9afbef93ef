/** The versions of the infrastructure that `infra:up` fetches from Maven Central and runs. */
export const VERSIONS = {
  kafka: '4.3.1',
  /** Kafka's POM brings slf4j-api 1.7 and log4j-core but no binding between them; this is that binding's version. */
  log4j: '2.25.4',
  apicurioRegistry: '3.3.3',
  mavenDependencyPlugin: '3.8.1',
  /** The trace store: `io.zipkin:zipkin-server`'s executable jar. */
  zipkin: '3.5.1',
} as const;
