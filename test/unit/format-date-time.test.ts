import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatDateTime } from "../../app/i18n/format-date-time";
import { childEnv } from "../helpers/env";

const INSTANT = "2026-12-04T18:05:00Z";

describe("formatDateTime", () => {
  it("GIVEN an instant WHEN formatted in English THEN it is shown in UTC with the zone", () => {
    expect(formatDateTime("en", INSTANT)).toBe("Dec 4, 2026, 6:05 PM UTC");
  });

  it("GIVEN an instant WHEN formatted in French THEN it is shown in UTC with the zone, 24-hour clock", () => {
    expect(formatDateTime("fr", INSTANT)).toBe("4 déc. 2026, 18:05 UTC");
  });

  it("GIVEN an instant late on the last day of the year WHEN formatted THEN the UTC day is shown whatever the host's zone", () => {
    expect(formatDateTime("en", new Date("2026-12-31T23:30:00Z"))).toBe(
      "Dec 31, 2026, 11:30 PM UTC",
    );
    expect(formatDateTime("fr", "2027-01-01T00:30:00Z")).toBe("1 janv. 2027, 00:30 UTC");
  });

  it("GIVEN a Date or its JSON string (as the loader sends it) WHEN formatted THEN server and browser print the same text", () => {
    const date = new Date(INSTANT);
    for (const locale of ["en", "fr"] as const) {
      expect(formatDateTime(locale, JSON.parse(JSON.stringify(date)) as string)).toBe(
        formatDateTime(locale, date),
      );
    }
  });

  it("GIVEN a server in a zone far from UTC WHEN formatting THEN it prints the UTC time like a UTC host", () => {
    // Switching the zone inside this process is not reliable, so a fresh one plays the non-UTC
    // server; here (UTC on most CI hosts) a formatter using the host's zone would pass unnoticed.
    const helper = fileURLToPath(new URL("../../app/i18n/format-date-time.ts", import.meta.url));
    const script = `const { formatDateTime } = await import(${JSON.stringify(helper)});
      console.log(JSON.stringify([formatDateTime("en", "${INSTANT}"), formatDateTime("fr", "${INSTANT}")]));`;
    const output = execFileSync(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      {
        // Remix types NODE_ENV as required on ProcessEnv; the child needs none.
        env: childEnv({ TZ: "Pacific/Kiritimati" }) as NodeJS.ProcessEnv,
        encoding: "utf8",
      },
    );
    expect(JSON.parse(output)).toEqual(["Dec 4, 2026, 6:05 PM UTC", "4 déc. 2026, 18:05 UTC"]);
  });

  it("GIVEN a value that is not a date WHEN formatted THEN it is shown as it came instead of throwing", () => {
    expect(formatDateTime("en", "soon")).toBe("soon");
    expect(formatDateTime("fr", new Date(Number.NaN))).toBe("—");
  });
});
