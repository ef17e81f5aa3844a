// `npm run bench:ratelimit`: each rate-limited operation, a backlog driven through its connector
// against its simulator at scaled limits. Prints achieved sustained rate ÷ configured bound and
// the 429s received; the last line is {"bench":"ratelimit","min_ratio":R,"throttled":N}.
import { amazonCases } from "./ratelimit/amazon";
import { bigCommerceCases } from "./ratelimit/bigcommerce";
import { ebayCases } from "./ratelimit/ebay";
import { shopifyCases } from "./ratelimit/shopify";
import { type CaseResult, runCase } from "./ratelimit/harness";

const cases = [...amazonCases, ...ebayCases, ...shopifyCases, ...bigCommerceCases];
const results: CaseResult[] = [];
for (const benchCase of cases) {
  const result = await runCase(benchCase);
  results.push(result);
  process.stdout.write(
    `${result.name.padEnd(34)} calls=${String(result.calls).padStart(4)} ` +
      `elapsed=${(result.elapsedMs / 1000).toFixed(2)}s bound=${(result.boundMs / 1000).toFixed(2)}s ` +
      `achieved=${result.achievedPerSecond.toFixed(2)}/s configured=${result.configuredPerSecond.toFixed(2)}/s ` +
      `ratio=${result.ratio.toFixed(3)} throttled=${result.throttled}\n`,
  );
}
const minRatio = Math.min(...results.map((r) => r.ratio));
const throttled = results.reduce((sum, r) => sum + r.throttled, 0);
process.stdout.write(
  `${JSON.stringify({ bench: "ratelimit", min_ratio: Number(minRatio.toFixed(3)), throttled })}\n`,
);
