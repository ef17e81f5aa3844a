// Child process of `npm run bench:webhooks`: open-loop load at fixed rates against one URL. Each
// request leaves at its scheduled time whether or not earlier ones were answered (Shopify does not
// wait for us either), and its latency counts from that scheduled time, so a server that falls
// behind shows it in its latencies instead of slowing the generator down. Prints one JSON line per
// step.
import { appendFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { signedFulfillmentCreate, type SignedDelivery } from "./fulfillment-webhook";
import { type LoadConfig, type StepMark, type StepResult, percentile } from "./load-types";

const config = JSON.parse(process.argv[2] ?? "") as LoadConfig;
const target = new URL(config.url);
// Idle sockets are dropped after 4 s, before the servers' 5 s keep-alive timeout closes them: a
// request sent on a socket the server is closing fails with ECONNRESET, which no server caused.
const agent = new Agent({ keepAlive: true, maxSockets: config.maxSockets, timeout: 4_000 });
let seq = config.seqStart;

interface Outcome {
  status: number;
  accepted: boolean;
  error?: string;
  latencyMs: number;
  lagMs: number;
  doneAt: number;
}

function send(delivery: SignedDelivery, scheduledAt: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const sentAt = performance.now();
    let settled = false;
    const finish = (outcome: Omit<Outcome, "lagMs" | "doneAt" | "latencyMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const doneAt = performance.now();
      resolve({ ...outcome, latencyMs: doneAt - scheduledAt, lagMs: sentAt - scheduledAt, doneAt });
    };
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        agent,
        headers: { ...delivery.headers, "content-length": Buffer.byteLength(delivery.body) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          finish({ status, accepted: status === 200 && text.includes('"accepted"') });
        });
        res.on("error", (error) => finish({ status: 0, accepted: false, error: error.message }));
      },
    );
    // Shopify gives an endpoint 5 s, counted from when it sends.
    const timer = setTimeout(
      () => {
        finish({ status: 0, accepted: false, error: "timeout" });
        req.destroy();
      },
      Math.max(0, config.timeoutMs - (sentAt - scheduledAt)),
    );
    req.on("error", (error: NodeJS.ErrnoException) =>
      finish({ status: 0, accepted: false, error: error.code ?? error.message }),
    );
    req.end(delivery.body);
  });
}

async function runStep(rate: number, seconds: number, warmup: boolean): Promise<StepResult> {
  const count = Math.round(rate * seconds);
  const deliveries = Array.from({ length: count }, () =>
    signedFulfillmentCreate(config.shop, config.secret, seq++),
  );
  const interval = 1000 / rate;
  const startAt = performance.now() + 20;
  const inFlight: Promise<Outcome>[] = [];
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < count && startAt + next * interval <= now) {
        inFlight.push(send(deliveries[next]!, startAt + next * interval));
        next += 1;
      }
      if (next >= count) resolve();
      else setTimeout(tick, Math.max(0, Math.min(startAt + next * interval - now, 1)));
    };
    setTimeout(tick, 20);
  });
  const outcomes = await Promise.all(inFlight);
  const latencies = outcomes.map((o) => (o.status === 0 ? config.timeoutMs : o.latencyMs));
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const o of outcomes) {
    if (o.error) errors[o.error] = (errors[o.error] ?? 0) + 1;
    else if (!o.accepted) statuses[o.status] = (statuses[o.status] ?? 0) + 1;
  }
  if (config.timelineFile) {
    const timeline = outcomes.map((o, i) => [
      Math.round(i * interval),
      Math.round(o.latencyMs * 10) / 10,
      o.status,
    ]);
    appendFileSync(
      config.timelineFile,
      `${JSON.stringify({ target: config.label, rate, warmup, timeline })}\n`,
    );
  }
  const accepted = outcomes.filter((o) => o.accepted).length;
  const lastDone = Math.max(...outcomes.map((o) => o.doneAt));
  const elapsedS = Math.max(seconds, (lastDone - startAt) / 1000);
  return {
    target: config.label,
    warmup,
    rate,
    seconds,
    sent: count,
    accepted,
    acceptedPerSecond: accepted / elapsedS,
    elapsedS,
    p50Ms: percentile(latencies, 0.5),
    p90Ms: percentile(latencies, 0.9),
    p99Ms: percentile(latencies, 0.99),
    maxMs: Math.max(...latencies),
    timeouts: errors.timeout ?? 0,
    errors,
    otherStatuses: statuses,
    sendLagP99Ms: percentile(
      outcomes.map((o) => o.lagMs),
      0.99,
    ),
  };
}

const emit = (line: StepResult | StepMark) => process.stdout.write(`${JSON.stringify(line)}\n`);
emit({ mark: "start", rate: config.warmup.rate });
emit(await runStep(config.warmup.rate, config.warmup.seconds, true));
for (const rate of config.rates) {
  await new Promise((resolve) => setTimeout(resolve, config.pauseMs));
  emit({ mark: "start", rate });
  emit(await runStep(rate, config.stepSeconds, false));
}
agent.destroy();
