// Apart from the telemetry (and free of OpenTelemetry types): the dispatcher, a public class,
// implements it, and its declarations must not need the optional `@opentelemetry/api`.

/** Where the outbox gauges read from: what the dispatcher last counted, never a query of theirs. */
export interface OutboxBacklogSource {
  /** Undelivered events and when the oldest occurred, as of the dispatcher's last count (if any). */
  lastBacklog(): { pending: number; oldestAt: Date | null } | undefined;
  /** A collection read the gauges: the dispatcher counts again on its next round. */
  backlogRead(): void;
}
