// Child process of `npm run bench:webhooks`: the floor the app is compared with. A bare node:http
// server that does only what no webhook endpoint can skip — read the body and check Shopify's
// HMAC in constant time — and answers as the app does. Prints its URL, then serves until killed.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const secret = process.argv[2] ?? "";
const port = Number(process.argv[3] ?? "0");

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks);
    const given = Buffer.from(String(req.headers["x-shopify-hmac-sha256"] ?? ""), "base64");
    const expected = createHmac("sha256", secret).update(body).digest();
    const valid = given.length === expected.length && timingSafeEqual(given, expected);
    const status = valid ? 200 : 401;
    const answer = JSON.stringify({ status, message: valid ? "accepted" : "invalid signature" });
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(answer);
  });
});
server.keepAliveTimeout = 5_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}` })}\n`,
  );
});
process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
