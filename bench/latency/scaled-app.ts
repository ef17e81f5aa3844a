// Child process of `npm run bench:latency`: server.ts itself (configuration, migrations, in-process
// worker, Remix), with its rate-limited queues at the simulators' scale — the one thing the app's
// configuration cannot say. At the published limits (eBay: 100,000 calls a day, burst 50) the
// queues would hold pushes back after the first dozen, and the bench measures latency with tokens
// available. Usage: scaled-app.ts <scale>.
import { initServices } from "../../app/services.server";
import { RateLimitRegistry } from "../../connectors/rate-limit/registry";

const scale = Number(process.argv[2]);
if (!(scale > 0)) throw new Error("usage: scaled-app.ts <scale>");

// server.ts calls initServices() too and gets this same instance (one per process, on globalThis).
const services = await initServices();
services.queues = new RateLimitRegistry({ scale });
await import("../../server");
