import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../app/config.server";

const DEMO = { MARKETSYNC_DEMO: "1" };

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("alert e-mail configuration", () => {
  it("GIVEN no SMTP_URL WHEN parsed THEN no digest is sent (and nothing else is required)", () => {
    expect(parseConfig(DEMO).alertsMail).toBeUndefined();
  });

  it("GIVEN SMTP_URL and ALERTS_FROM WHEN parsed THEN the digest goes through that server from that sender", () => {
    const config = parseConfig({
      ...DEMO,
      SMTP_URL: "smtps://user:pass@mail.example.com:465",
      ALERTS_FROM: "Marketsync <alerts@example.com>",
    });
    expect(config.alertsMail).toEqual({
      smtpUrl: "smtps://user:pass@mail.example.com:465",
      from: "Marketsync <alerts@example.com>",
    });
  });

  it("GIVEN SMTP_URL without ALERTS_FROM WHEN parsed THEN the error names ALERTS_FROM", () => {
    expect(problemsOf({ ...DEMO, SMTP_URL: "smtp://127.0.0.1:2525" })).toEqual([
      expect.stringMatching(/^ALERTS_FROM: required with SMTP_URL/),
    ]);
  });

  it.each([
    ["SMTP_URL", "https://mail.example.com"],
    ["ALERTS_FROM", "not an address"],
  ])("GIVEN a malformed %s WHEN parsed THEN the error names it", (name, value) => {
    const env = { ...DEMO, SMTP_URL: "smtp://127.0.0.1:2525", ALERTS_FROM: "a@example.com" };
    const problems = problemsOf({ ...env, [name]: value });
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });
});
