// `npm run simulators [-- --scale 100 --port 4101]`: the four platform simulators on loopback, for
// the demo, manual testing, or a merchant's developer sandbox. Prints the upstream overrides to set.
import { parseArgs } from "node:util";
import { startSimulators } from "./index";

const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "1" },
    port: { type: "string", default: "4101" },
  },
});
const scale = Number(values.scale);
const basePort = Number(values.port);
if (!(scale > 0) || !Number.isInteger(basePort) || basePort < 0 || basePort > 65_532) {
  process.stderr.write("usage: npm run simulators -- [--scale N>0] [--port 1-65532]\n");
  process.exit(2);
}

const simulators = await startSimulators({ scale, basePort });
process.stdout.write(
  [
    `Simulators running (rate limits ×${scale}). Point Marketsync at them with:`,
    `AMAZON_ENDPOINT=${simulators.endpoints.amazon}`,
    `EBAY_ENDPOINT=${simulators.endpoints.ebay}`,
    `SHOPIFY_ENDPOINT=${simulators.endpoints.shopify}`,
    `BIGCOMMERCE_ENDPOINT=${simulators.endpoints.bigcommerce}`,
    "Each has an admin API under /__admin (faults, exchanges, reset, and its own seeding routes).",
    "",
  ].join("\n"),
);

const stop = async () => {
  await simulators.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
