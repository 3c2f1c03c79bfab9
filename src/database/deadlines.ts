/** How often pending deadlines are checked: a deadline fires at most this late. */
export const DEADLINE_SWEEP_MS = 50;

interface Pending {
  at: number;
  expire: () => void;
}

/**
 * Deadlines that almost never pass (a statement's, a pool wait's), checked by one timer while
 * any is pending. A `setTimeout` armed and cleared for every statement and every pooled
 * connection costs a few µs of CPU each (timer lists, the loop's clock), more than what the
 * driver does for a short statement; arming one here is a `Set` insert.
 */
export class Deadlines {
  private readonly pending = new Set<Pending>();
  private timer: NodeJS.Timeout | undefined;

  /** Calls `expire` once `ms` have passed, unless the returned `disarm` runs first. */
  arm(ms: number, expire: () => void): () => void {
    const entry: Pending = { at: performance.now() + ms, expire };
    this.pending.add(entry);
    this.timer ??= setInterval(() => this.sweep(), DEADLINE_SWEEP_MS).unref();
    return () => {
      this.pending.delete(entry);
    };
  }

  private sweep(): void {
    const now = performance.now();
    for (const entry of this.pending) {
      if (entry.at > now) continue;
      this.pending.delete(entry);
      entry.expire();
    }
    if (this.pending.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

/** The deadlines of the host's database drivers. */
export const driverDeadlines = new Deadlines();
