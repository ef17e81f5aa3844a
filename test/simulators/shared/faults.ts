/**
 * Faults a test or the demo injects into a simulator, per operation:
 * - `status`: answer with this status (default 503) and body instead of the real handler;
 * - `delay`: answer normally after `delayMs`;
 * - `timeout`: never answer (the client's timeout must fire);
 * - `reset`: destroy the connection without answering;
 * - `hold_response`: run the real handler (the vendor accepts the call and keeps its effects), then
 *   send its answer after `delayMs`, or never when `delayMs` is unset — the client cannot tell
 *   whether the call went through (a crash or timeout between the vendor's commit and our record).
 * `match` narrows a fault to requests whose raw body contains that text (e.g. `mutation OrderCreate`
 * on Shopify's single `graphql` operation).
 * A fault applies `times` times (default 1; 0 = until cleared), or with `probability`, or for
 * `durationMs` from when it was added.
 */
export interface FaultSpec {
  /** Operation name as the simulator's routes name it, or `*` for all of them. */
  operation: string;
  kind: "status" | "delay" | "timeout" | "reset" | "hold_response";
  /** Only requests whose raw body contains this text (default: every request of the operation). */
  match?: string;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  times?: number;
  probability?: number;
  durationMs?: number;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
  until: number | undefined;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    if (!spec || typeof spec.operation !== "string") throw new Error("fault needs an operation");
    if (!["status", "delay", "timeout", "reset", "hold_response"].includes(spec.kind)) {
      throw new Error(`unknown fault kind ${String(spec.kind)}`);
    }
    const times = spec.times ?? (spec.durationMs || spec.probability ? 0 : 1);
    this.faults.push({
      ...spec,
      remaining: times === 0 ? Number.POSITIVE_INFINITY : times,
      until: spec.durationMs ? Date.now() + spec.durationMs : undefined,
    });
  }

  /** The fault that applies to this request, if any (consuming one of its uses). */
  take(operation: string, rawBody?: string): FaultSpec | undefined {
    const now = Date.now();
    this.faults = this.faults.filter(
      (f) => f.remaining > 0 && (f.until === undefined || f.until > now),
    );
    for (const fault of this.faults) {
      if (fault.operation !== operation && fault.operation !== "*") continue;
      if (fault.match !== undefined && !rawBody?.includes(fault.match)) continue;
      if (fault.probability !== undefined && Math.random() >= fault.probability) continue;
      fault.remaining -= 1;
      return fault;
    }
    return undefined;
  }

  list(): FaultSpec[] {
    return this.faults.map(({ remaining: _r, until: _u, ...spec }) => spec);
  }

  clear(): void {
    this.faults = [];
  }
}
