import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../app/config.server";

const REAL = {
  MARKETSYNC_ENCRYPTION_KEY: "k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://marketsync.example.com",
};

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("configuration", () => {
  it("GIVEN a complete real environment WHEN parsed THEN Shopify and defaults are set", () => {
    const config = parseConfig(REAL);
    expect(config.demo).toBe(false);
    expect(config.host).toBe("0.0.0.0");
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.shopify?.scopes).toEqual([
      "write_orders",
      "read_products",
      "read_fulfillments",
      "read_inventory",
    ]);
  });

  it.each(Object.keys(REAL))(
    "GIVEN %s is missing outside demo mode WHEN parsed THEN the error names it",
    (name) => {
      const env: Record<string, string | undefined> = { ...REAL, [name]: undefined };
      const problems = problemsOf(() => parseConfig(env));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^${name}: required`));
    },
  );

  it("GIVEN an empty string for a required variable WHEN parsed THEN it counts as missing", () => {
    const problems = problemsOf(() => parseConfig({ ...REAL, SHOPIFY_API_SECRET: "  " }));
    expect(problems[0]).toContain("SHOPIFY_API_SECRET");
  });

  it("GIVEN malformed values WHEN parsed THEN each variable is named with the reason", () => {
    const problems = problemsOf(() =>
      parseConfig({ ...REAL, PORT: "eighty", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud" }),
    );
    expect(problems.join("\n")).toMatch(/PORT/);
    expect(problems.join("\n")).toMatch(/DATABASE_URL: must be a postgres/);
    expect(problems.join("\n")).toMatch(/LOG_LEVEL/);
  });

  it("GIVEN the --demo flag and nothing else WHEN parsed THEN demo runs on loopback without Shopify", () => {
    const config = parseConfig({}, ["--demo"]);
    expect(config.demo).toBe(true);
    expect(config.host).toBe("127.0.0.1");
    expect(config.shopify).toBeUndefined();
  });

  it("GIVEN demo mode with NODE_ENV=production WHEN parsed THEN it refuses", () => {
    const problems = problemsOf(() => parseConfig({ NODE_ENV: "production" }, ["--demo"]));
    expect(problems[0]).toMatch(/refuses to start with NODE_ENV=production/);
  });

  it("GIVEN demo mode asked to bind a public address WHEN parsed THEN it refuses", () => {
    const problems = problemsOf(() => parseConfig({ MARKETSYNC_DEMO: "1", HOST: "0.0.0.0" }));
    expect(problems[0]).toMatch(/HOST: demo mode binds to loopback only/);
  });

  it("GIVEN no consent variables WHEN parsed THEN neither marketplace can be connected", () => {
    const config = parseConfig(REAL);
    expect(config.consent).toEqual({ ebay: undefined, amazon: undefined });
  });

  it("GIVEN the eBay RuName and a draft Amazon application WHEN parsed THEN both consents are set", () => {
    const config = parseConfig({
      ...REAL,
      EBAY_RU_NAME: "Marketsync-Marketsy-Market-abcdefg",
      AMAZON_SP_APP_ID: "amzn1.sp.solution.0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
      AMAZON_SP_APP_DRAFT: "1",
    });
    expect(config.consent.ebay).toEqual({ ruName: "Marketsync-Marketsy-Market-abcdefg" });
    expect(config.consent.amazon).toEqual({
      applicationId: "amzn1.sp.solution.0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
      draft: true,
    });
  });

  it("GIVEN an Amazon application id that is not one WHEN parsed THEN the variable is named", () => {
    const problems = problemsOf(() => parseConfig({ ...REAL, AMAZON_SP_APP_ID: "my-app" }));
    expect(problems.join("\n")).toMatch(/AMAZON_SP_APP_ID: must be an amzn1/);
  });

  it("GIVEN BigCommerce credentials and the app's id WHEN parsed THEN the id is kept with them; a non-numeric id is named", () => {
    const bigcommerce = {
      ...REAL,
      BIGCOMMERCE_CLIENT_ID: "bc-client",
      BIGCOMMERCE_CLIENT_SECRET: "bc-secret",
    };
    expect(parseConfig({ ...bigcommerce, BIGCOMMERCE_APP_ID: " 48213 " }).apps.bigcommerce).toEqual(
      { clientId: "bc-client", clientSecret: "bc-secret", appId: "48213" },
    );
    expect(parseConfig(bigcommerce).apps.bigcommerce).toEqual({
      clientId: "bc-client",
      clientSecret: "bc-secret",
    });
    const problems = problemsOf(() =>
      parseConfig({ ...bigcommerce, BIGCOMMERCE_APP_ID: "marketsync" }),
    );
    expect(problems.join("\n")).toMatch(/BIGCOMMERCE_APP_ID: must be the app's numeric id/);
  });
});
