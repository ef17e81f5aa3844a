import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

describe("lint rules", () => {
  const eslint = new ESLint({ cwd: process.cwd() });

  async function ruleIds(code: string, filePath: string) {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.map((m) => m.ruleId);
  }

  it("GIVEN process.env read outside the config module WHEN linted THEN it is an error", async () => {
    const ids = await ruleIds("export const url = process.env.DATABASE_URL;\n", "jobs/example.ts");
    expect(ids).toContain("no-restricted-syntax");
  });

  it("GIVEN process.env read inside the config module WHEN linted THEN it is allowed", async () => {
    const ids = await ruleIds(
      "export const url = process.env.DATABASE_URL;\n",
      "app/config.server.ts",
    );
    expect(ids).not.toContain("no-restricted-syntax");
  });

  it("GIVEN console.log anywhere WHEN linted THEN it is an error", async () => {
    const ids = await ruleIds('console.log("hi");\n', "connectors/example.ts");
    expect(ids).toContain("no-console");
  });
});
