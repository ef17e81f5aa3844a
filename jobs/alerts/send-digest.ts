import { and, eq, isNotNull, isNull } from "drizzle-orm";
import { createTransport } from "nodemailer";
import type { ConnectorLogger } from "../../connectors/types";
import type { Database } from "../../db/client";
import { type AlertCounts, loadAlertCounts } from "../../db/dashboard-stats";
import { ALERT_EVENTS, type AlertEvent, alertSettings } from "../../db/schema/alerts";
import { stores } from "../../db/schema";
import { DIGEST_MESSAGES, digestLocale } from "./digest-messages";

export interface DigestDeps {
  db: Database;
  logger: ConnectorLogger;
  /** SMTP server and sender; undefined: e-mail is not configured and nothing is sent. */
  mail: { smtpUrl: string; from: string } | undefined;
  now?: () => Date;
}

/**
 * A store that got its digest this recently is not sent another: a retried job (after an SMTP
 * failure part-way) or a second scheduler never mails a merchant twice in a day.
 */
export const DIGEST_MIN_INTERVAL_MS = 20 * 3_600_000;

const COUNT_OF: Record<AlertEvent, keyof AlertCounts> = {
  held_orders: "heldOrders",
  failed_pushes: "failedPushes",
  needs_reconnect: "accountsNeedingReconnect",
};

export interface DigestRun {
  sent: number;
  /** Stores with the digest on and nothing to report among their chosen events. */
  quiet: number;
  failed: number;
}

/**
 * Daily: each installed store with the digest on gets one e-mail listing the chosen events that
 * need attention now. Nothing to report, nothing sent. One store's failure does not stop the
 * others; the job fails afterwards so pg-boss retries the ones left.
 */
export async function sendAlertDigests(deps: DigestDeps): Promise<DigestRun> {
  const run: DigestRun = { sent: 0, quiet: 0, failed: 0 };
  if (!deps.mail) {
    deps.logger.debug({}, "alert digest skipped: SMTP_URL is not configured");
    return run;
  }
  const now = deps.now?.() ?? new Date();
  const due = await deps.db
    .select({ settings: alertSettings, storeName: stores.name, externalId: stores.externalId })
    .from(alertSettings)
    .innerJoin(stores, eq(stores.id, alertSettings.storeId))
    .where(
      and(
        eq(alertSettings.digestEnabled, true),
        isNotNull(alertSettings.email),
        isNull(stores.uninstalledAt),
      ),
    );
  const transport = createTransport(deps.mail.smtpUrl);
  try {
    for (const { settings, storeName, externalId } of due) {
      const last = settings.lastDigestAt?.getTime();
      if (last !== undefined && now.getTime() - last < DIGEST_MIN_INTERVAL_MS) continue;
      const counts = await loadAlertCounts(deps.db, settings.storeId);
      const digest = composeDigest({
        locale: settings.locale,
        store: storeName ?? externalId,
        events: settings.events,
        counts,
      });
      if (!digest) {
        run.quiet += 1;
        continue;
      }
      try {
        await transport.sendMail({ from: deps.mail.from, to: settings.email!, ...digest });
        await deps.db
          .update(alertSettings)
          .set({ lastDigestAt: now })
          .where(eq(alertSettings.storeId, settings.storeId));
        run.sent += 1;
      } catch (error) {
        run.failed += 1;
        // The SMTP error, never the address or the server URL (it may hold credentials).
        deps.logger.warn(
          { storeId: settings.storeId, code: (error as { code?: string }).code },
          "alert digest not sent",
        );
      }
    }
  } finally {
    transport.close();
  }
  deps.logger.info({ ...run }, "alert digests done");
  if (run.failed > 0) throw new Error(`${run.failed} alert digest(s) could not be sent`);
  return run;
}

/** The e-mail for the chosen events with something to report, or undefined when there is none. */
export function composeDigest(input: {
  locale: string;
  store: string;
  events: readonly string[];
  counts: AlertCounts;
}): { subject: string; text: string } | undefined {
  const locale = digestLocale(input.locale);
  const messages = DIGEST_MESSAGES[locale];
  const number = new Intl.NumberFormat(locale);
  const lines = ALERT_EVENTS.filter((event) => input.events.includes(event))
    .filter((event) => input.counts[COUNT_OF[event]] > 0)
    .map((event) => `- ${messages.events[event](number.format(input.counts[COUNT_OF[event]]))}`);
  if (lines.length === 0) return undefined;
  return {
    subject: messages.subject(input.store),
    text: [
      messages.intro(input.store),
      "",
      ...lines,
      "",
      messages.action,
      "",
      messages.footer,
    ].join("\n"),
  };
}
