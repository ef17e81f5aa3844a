import { describe, expect, it } from "vitest";

describe("toolchain", () => {
  it("GIVEN npm test WHEN the suite runs THEN it runs on the project's pinned Node (24, never 20)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(major).toBe(24);
  });
});
