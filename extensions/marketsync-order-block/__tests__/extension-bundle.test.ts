import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { marketplacePlatform, pushState, trackingState } from "../../../db/schema/enums";
import { appLink, orderNumberOf, trackingTone } from "../src/order-status";

const EXTENSION_DIR = fileURLToPath(new URL("..", import.meta.url));
/** Shopify refuses admin UI extensions whose compiled script is larger than 64 KB. */
const SHOPIFY_SCRIPT_LIMIT_BYTES = 64 * 1024;

type Messages = { [key: string]: string | Messages };
const readLocale = (file: string) =>
  JSON.parse(readFileSync(join(EXTENSION_DIR, "locales", file), "utf8")) as Messages;

function keysOf(messages: Messages, prefix = ""): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`),
  );
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]);

describe("Marketsync order block (Shopify admin UI extension)", () => {
  it("GIVEN the extension's entry WHEN it is bundled as the Shopify CLI does THEN it builds, exports its default function and stays under Shopify's 64 KB limit", async () => {
    const result = await build({
      entryPoints: [join(EXTENSION_DIR, "src", "index.tsx")],
      bundle: true,
      format: "esm",
      minify: true,
      target: "es2020",
      write: false,
      metafile: true,
      logLevel: "silent",
    });

    expect(result.errors).toEqual([]);
    const [output] = Object.values(result.metafile.outputs);
    expect(output!.exports).toEqual(["default"]);
    expect(result.outputFiles[0]!.contents.byteLength).toBeLessThan(SHOPIFY_SCRIPT_LIMIT_BYTES);
  });

  it("GIVEN the English and French locale files WHEN compared THEN they have the same keys and the same placeholders", () => {
    const en = readLocale("en.default.json");
    const fr = readLocale("fr.json");

    expect(keysOf(fr).sort()).toEqual(keysOf(en).sort());
    const lookup = (messages: Messages, key: string) =>
      key.split(".").reduce<string | Messages>((m, part) => (m as Messages)[part]!, messages);
    for (const key of keysOf(en)) {
      expect(placeholders(lookup(fr, key) as string).sort(), key).toEqual(
        placeholders(lookup(en, key) as string).sort(),
      );
    }
    expect(en.locale).toBe("en");
    expect(fr.locale).toBe("fr");
  });

  it("GIVEN every marketplace, order tracking state and push state the app stores WHEN the block labels them THEN each has a translation", () => {
    const keys = new Set(keysOf(readLocale("en.default.json")));
    const expected = [
      ...marketplacePlatform.enumValues.map((v) => `marketplaces.${v}`),
      ...trackingState.enumValues.map((v) => `trackingStates.${v}`),
      ...pushState.enumValues.map((v) => `pushStates.${v}`),
    ];
    expect(expected.filter((key) => !keys.has(key))).toEqual([]);
  });

  it("GIVEN the keys the block's source translates WHEN looked up THEN every one exists", () => {
    const keys = new Set(keysOf(readLocale("en.default.json")));
    const source = ["OrderBlock.tsx", "index.tsx"]
      .map((file) => readFileSync(join(EXTENSION_DIR, "src", file), "utf8"))
      .join("\n");
    const used = [...source.matchAll(/\bt\("([\w.]+)"/g)].map((m) => m[1]!);

    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((key) => !keys.has(key))).toEqual([]);
  });

  it("GIVEN ids the admin hands the block WHEN read THEN only Shopify order GIDs give an order number", () => {
    expect(orderNumberOf("gid://shopify/Order/5551234")).toBe("5551234");
    expect(orderNumberOf("gid://shopify/DraftOrder/5551234")).toBeUndefined();
    expect(orderNumberOf("gid://shopify/Order/12/../../admin")).toBeUndefined();
    expect(orderNumberOf(undefined)).toBeUndefined();
  });

  it("GIVEN the app's order page path WHEN linked from the block THEN it opens inside the embedded app", () => {
    expect(appLink("/app/orders/0b4f")).toBe("app:app/orders/0b4f");
  });

  it("GIVEN each tracking state WHEN shown THEN confirmed is success and failed is critical", () => {
    expect(trackingStateTones()).toEqual({
      none: "neutral",
      pending: "warning",
      sent: "info",
      confirmed: "success",
      failed: "critical",
    });
  });
});

function trackingStateTones() {
  return Object.fromEntries(trackingState.enumValues.map((s) => [s, trackingTone(s)]));
}
