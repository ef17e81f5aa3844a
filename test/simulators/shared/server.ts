import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { FaultInjector, type FaultSpec } from "./faults";
import { SimBucket } from "./sim-bucket";

/**
 * The common core of the platform simulators: a real HTTP server on loopback with a small router,
 * per-operation token buckets, fault injection, a log of every exchange (for contract tests) and an
 * admin API under `/__admin` (faults, exchanges, reset) that each platform extends.
 */

export interface SimRequest {
  operation: string;
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  rawBody: string;
  /** Parsed JSON body, or the form fields for urlencoded bodies; undefined when empty. */
  body: unknown;
}

export interface SimResponse {
  status: number;
  headers?: Record<string, string> | undefined;
  /** Object → JSON; string → sent as is; undefined → empty body. */
  body?: unknown;
}

export interface Exchange {
  operation: string;
  request: Omit<SimRequest, "headers" | "params"> & { headers: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body: unknown };
  at: number;
}

export type Handler = (req: SimRequest) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  /** `/orders/2026-01-01/orders/:orderId`: `:name` matches one path segment. */
  path: string;
  operation: string;
  handler: Handler;
}

export interface RateLimitRule {
  /** Requests per second at scale 1 (Shopify: points per second). */
  rate: number;
  burst: number;
  /** Which bucket a request draws from (e.g. per seller, per store, per app). */
  key: (req: SimRequest) => string;
  /** Cost of a request (default 1). */
  cost?: (req: SimRequest) => number;
  /** The platform's 429 (or equivalent) for an empty bucket. */
  throttled: (
    req: SimRequest,
    state: { retryAfterMs: number; rate: number; burst: number },
  ) => SimResponse;
  /** Headers every answer of this operation carries (Amazon x-amzn-RateLimit-Limit, BigCommerce quota). */
  headers?: (
    req: SimRequest,
    state: { remaining: number; rate: number; burst: number; resetMs: number },
  ) => Record<string, string>;
}

export interface SimulatorOptions {
  name: string;
  /** Multiplies every rate (not bursts) so tests and benchmarks run in seconds. */
  scale?: number;
  port?: number;
}

export class SimulatorServer {
  readonly name: string;
  readonly scale: number;
  readonly faults = new FaultInjector();
  readonly exchanges: Exchange[] = [];
  /** Keep at most this many exchanges (the benchmarks send thousands). */
  maxExchanges = 5_000;
  private readonly routes: (Route & { pattern: RegExp; names: string[] })[] = [];
  private readonly rateRules = new Map<string, RateLimitRule>();
  private readonly buckets = new Map<string, SimBucket>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly resetHooks: (() => void)[] = [];
  private port: number;
  /** Counters for benchmarks and tests: 429s sent per operation. */
  readonly throttledCount = new Map<string, number>();

  constructor(options: SimulatorOptions) {
    this.name = options.name;
    this.scale = options.scale ?? 1;
    this.port = options.port ?? 0;
    this.server = createServer((req, res) => void this.dispatch(req, res));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.addAdminRoutes();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  route(method: string, path: string, operation: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:(\w+)/g, (_m, name: string) => {
        names.push(name);
        return "([^/]+)";
      })}/?$`,
    );
    this.routes.push({ method: method.toUpperCase(), path, operation, handler, pattern, names });
    return this;
  }

  rateLimit(operation: string, rule: RateLimitRule): this {
    this.rateRules.set(operation, rule);
    return this;
  }

  onReset(hook: () => void): this {
    this.resetHooks.push(hook);
    return this;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  reset(): void {
    this.faults.clear();
    this.exchanges.length = 0;
    this.buckets.clear();
    this.throttledCount.clear();
    for (const hook of this.resetHooks) hook();
  }

  injectFault(spec: FaultSpec): void {
    this.faults.add(spec);
  }

  exchangesFor(operation: string): Exchange[] {
    return this.exchanges.filter((e) => e.operation === operation);
  }

  private addAdminRoutes(): void {
    this.route("POST", "/__admin/faults", "admin.faults", (req) => {
      const specs = Array.isArray(req.body) ? req.body : [req.body];
      for (const spec of specs) this.faults.add(spec as FaultSpec);
      return { status: 201, body: { faults: this.faults.list() } };
    });
    this.route("DELETE", "/__admin/faults", "admin.faults", () => {
      this.faults.clear();
      return { status: 204 };
    });
    this.route("GET", "/__admin/exchanges", "admin.exchanges", (req) => {
      const operation = req.query.get("operation");
      return {
        status: 200,
        body: { exchanges: operation ? this.exchangesFor(operation) : this.exchanges },
      };
    });
    this.route("POST", "/__admin/reset", "admin.reset", () => {
      this.reset();
      return { status: 204 };
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const rawBody = await readBody(req);
    const match = this.match(req.method ?? "GET", url.pathname);
    if (!match) {
      write(res, {
        status: 404,
        body: { errors: [{ message: `no route ${req.method} ${url.pathname}` }] },
      });
      return;
    }
    const simReq: SimRequest = {
      operation: match.route.operation,
      method: req.method ?? "GET",
      path: url.pathname,
      params: match.params,
      query: url.searchParams,
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers["content-type"]),
    };
    const isAdmin = simReq.operation.startsWith("admin.");

    let held: FaultSpec | undefined;
    if (!isAdmin) {
      const fault = this.faults.take(simReq.operation, rawBody);
      if (fault?.kind === "hold_response") held = fault;
      else if (fault) {
        if (fault.kind === "reset") {
          req.socket.destroy();
          return;
        }
        if (fault.kind === "timeout") return; // never answer: the client's timeout must fire
        if (fault.kind === "delay") await sleep(fault.delayMs ?? 1_000);
        if (fault.kind === "status") {
          this.respond(res, simReq, {
            status: fault.status ?? 503,
            body: fault.body ?? { errors: [{ message: "Service unavailable (injected)" }] },
            headers: fault.headers,
          });
          return;
        }
      }
    }

    let extraHeaders: Record<string, string> = {};
    const rule = this.rateRules.get(simReq.operation);
    if (rule && !isAdmin) {
      const key = `${simReq.operation}:${rule.key(simReq)}`;
      let bucket = this.buckets.get(key);
      if (!bucket) {
        bucket = new SimBucket(rule.rate * this.scale, rule.burst);
        this.buckets.set(key, bucket);
      }
      const cost = rule.cost?.(simReq) ?? 1;
      const outcome = bucket.tryTake(cost);
      const state = {
        remaining: Math.floor(bucket.available()),
        rate: rule.rate * this.scale,
        burst: rule.burst,
        resetMs: bucket.msUntil(rule.burst),
      };
      extraHeaders = rule.headers?.(simReq, state) ?? {};
      if (!outcome.ok) {
        this.throttledCount.set(
          simReq.operation,
          (this.throttledCount.get(simReq.operation) ?? 0) + 1,
        );
        const throttled = rule.throttled(simReq, { ...state, retryAfterMs: outcome.retryAfterMs });
        this.respond(res, simReq, {
          ...throttled,
          headers: { ...extraHeaders, ...throttled.headers },
        });
        return;
      }
    }

    try {
      const response = await match.route.handler(simReq);
      const answer = { ...response, headers: { ...extraHeaders, ...response.headers } };
      if (held) {
        // The vendor has done the work; the client hears back late, or never.
        if (held.delayMs === undefined) {
          this.record(simReq, answer, answer.headers);
          return;
        }
        await sleep(held.delayMs);
      }
      this.respond(res, simReq, answer);
    } catch (error) {
      this.respond(res, simReq, {
        status: 500,
        body: {
          errors: [{ message: `simulator ${this.name} failed: ${(error as Error).message}` }],
        },
      });
    }
  }

  private respond(res: ServerResponse, req: SimRequest, response: SimResponse): void {
    const written = write(res, response);
    if (req.operation.startsWith("admin.")) return;
    this.record(req, response, written);
  }

  private record(req: SimRequest, response: SimResponse, written: Record<string, string>): void {
    this.exchanges.push({
      operation: req.operation,
      request: {
        operation: req.operation,
        method: req.method,
        path: req.path,
        query: req.query,
        rawBody: req.rawBody,
        body: req.body,
        headers: flattenHeaders(req.headers),
      },
      response: { status: response.status, headers: written, body: response.body },
      at: Date.now(),
    });
    if (this.exchanges.length > this.maxExchanges)
      this.exchanges.splice(0, this.exchanges.length - this.maxExchanges);
  }

  private match(method: string, path: string) {
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase()) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
      return { route, params };
    }
    return undefined;
  }
}

function write(res: ServerResponse, response: SimResponse): Record<string, string> {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | undefined;
  if (typeof response.body === "string") {
    payload = response.body;
    headers["content-type"] ??= "text/plain; charset=utf-8";
  } else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers["content-type"] ??= "application/json";
  }
  res.writeHead(response.status, headers);
  res.end(payload);
  return headers;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function flattenHeaders(headers: IncomingMessage["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
