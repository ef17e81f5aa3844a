import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../app/logger.server";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ logLevel: "info" }, stream), lines };
}

describe("logger redaction", () => {
  it("GIVEN tokens, secrets and buyer PII in a log call WHEN logged THEN none of them reach the output", () => {
    const { logger, lines } = capture();
    logger.info(
      {
        accessToken: "SECRET-A",
        store: { refreshToken: "SECRET-B", id: "store-1" },
        headers: { authorization: "Bearer SECRET-C", "x-shopify-access-token": "SECRET-D" },
        order: { id: "114-1", buyer: { buyerName: "Jeanne Martin" }, shipTo: { city: "Lyon" } },
        account: { credentials: { clientSecret: "SECRET-E" } },
        customer: { email: "jeanne@example.fr", phone: "+33 6 12 34 56 78" },
      },
      "sync",
    );
    const out = lines.join("");
    for (const secret of ["SECRET-A", "SECRET-B", "SECRET-C", "SECRET-D", "SECRET-E"]) {
      expect(out).not.toContain(secret);
    }
    expect(out).not.toContain("Jeanne");
    expect(out).not.toContain("Lyon");
    expect(out).not.toContain("jeanne@example.fr");
    expect(out).not.toContain("+33");
    // Identifiers stay readable: logs must still be useful.
    expect(out).toContain("store-1");
    expect(out).toContain("114-1");
  });
});
