import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../db/client";
import { type AlertCounts, loadAlertCounts } from "../db/dashboard-stats";
import { ALERT_EVENTS, type AlertEvent, alertSettings } from "../db/schema/alerts";
import type { Locale } from "./i18n/locales";

export type { AlertCounts };

/** The layout's banner: what needs attention in this store (one indexed statement). */
export function loadAlertBanner(db: Database, storeId: string): Promise<AlertCounts> {
  return loadAlertCounts(db, storeId);
}

export interface AlertPreferences {
  digestEnabled: boolean;
  email: string;
  events: AlertEvent[];
}

/** A store that never saved its preferences: digest off, every event ticked for when it opts in. */
const DEFAULTS: AlertPreferences = { digestEnabled: false, email: "", events: [...ALERT_EVENTS] };

export async function loadAlertPreferences(
  db: Database,
  storeId: string,
): Promise<AlertPreferences> {
  const [row] = await db.select().from(alertSettings).where(eq(alertSettings.storeId, storeId));
  if (!row) return DEFAULTS;
  return {
    digestEnabled: row.digestEnabled,
    email: row.email ?? "",
    events: row.events.filter((e): e is AlertEvent => ALERT_EVENTS.includes(e)),
  };
}

/** Field errors as message keys the page translates. */
export type AlertFieldErrors = Partial<
  Record<"email" | "events", "alerts.errorEmail" | "alerts.errorEvents">
>;

const formSchema = z
  .object({
    digestEnabled: z.boolean(),
    email: z.string().trim().max(254),
    events: z.array(z.enum(ALERT_EVENTS)).max(ALERT_EVENTS.length),
  })
  .superRefine((value, ctx) => {
    // An address is checked whenever given; required, with an event, only to turn the digest on.
    if ((value.digestEnabled || value.email !== "") && !z.email().safeParse(value.email).success) {
      ctx.addIssue({ code: "custom", path: ["email"], message: "alerts.errorEmail" });
    }
    if (value.digestEnabled && value.events.length === 0) {
      ctx.addIssue({ code: "custom", path: ["events"], message: "alerts.errorEvents" });
    }
  });

/** Validates the settings form and saves it for the store, in the admin's language. */
export async function saveAlertPreferences(
  db: Database,
  input: { storeId: string; locale: Locale; form: FormData },
): Promise<{ ok: true } | { ok: false; errors: AlertFieldErrors }> {
  const parsed = formSchema.safeParse({
    digestEnabled: input.form.get("digestEnabled") === "on",
    email: String(input.form.get("email") ?? ""),
    events: input.form.getAll("events").map(String),
  });
  if (!parsed.success) {
    const errors: AlertFieldErrors = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === "email") errors.email = "alerts.errorEmail";
      else errors.events = "alerts.errorEvents";
    }
    return { ok: false, errors };
  }
  const values = {
    digestEnabled: parsed.data.digestEnabled,
    email: parsed.data.email === "" ? null : parsed.data.email,
    events: [...new Set(parsed.data.events)],
    locale: input.locale,
  };
  await db
    .insert(alertSettings)
    .values({ storeId: input.storeId, ...values })
    .onConflictDoUpdate({ target: alertSettings.storeId, set: values });
  return { ok: true };
}
