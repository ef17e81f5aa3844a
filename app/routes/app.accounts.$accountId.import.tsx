import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { and, count, desc, eq, gte, notInArray } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../../db/client";
import { marketplaceAccounts, marketplaceOrders } from "../../db/schema";
import { importRequests } from "../../db/schema/alerts";
import type { PollResult } from "../../jobs/import/poll-account";
import { requireAdmin } from "../auth.server";
import { readForm } from "../read-form.server";

/**
 * "Import now" and "Backfill N days" of one account (POST), and the progress of its latest such
 * request (GET), polled by the accounts page while it runs. Both scoped to the admin's store:
 * another store's account is a 404.
 */

/** Backfills the page offers (sent with the progress); the poll job accepts 1–90 days. */
const BACKFILL_DAYS = [7, 30, 90] as const;

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("now") }),
  z.object({
    intent: z.literal("backfill"),
    days: z.coerce
      .number()
      .int()
      .refine((d) => (BACKFILL_DAYS as readonly number[]).includes(d)),
  }),
]);

export type ImportPhase =
  "queued" | "reading" | "processing" | "done" | "failed" | "inactive" | "reconnect";

export interface ImportProgress {
  requestId: string;
  reason: "manual" | "backfill";
  sinceDays: number | null;
  phase: ImportPhase;
  /** The account's orders the poll stored (new or changed) since the request. */
  received: number;
  /** Of those, the ones the pipeline is done with (imported, held, skipped, waiting…). */
  processed: number;
  /** Orders the poll found new or changed: known once it finished reading. */
  total: number | null;
  result: Pick<PollResult, "seen" | "created" | "updated"> | null;
}

const notFound = () => new Response("Not found", { status: 404 });

async function accountOf(request: Request, accountIdParam: string | undefined) {
  const admin = await requireAdmin(request);
  const accountId = z.uuid().safeParse(accountIdParam);
  if (!accountId.success) throw notFound();
  const [account] = await admin.services.db
    .select({ id: marketplaceAccounts.id, status: marketplaceAccounts.status })
    .from(marketplaceAccounts)
    .where(
      and(
        eq(marketplaceAccounts.id, accountId.data),
        eq(marketplaceAccounts.storeId, admin.store.id),
      ),
    );
  if (!account) throw notFound();
  return { ...admin, account };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { services, store, account } = await accountOf(request, params.accountId);
  const parsed = actionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) throw new Response("Unknown action or invalid fields.", { status: 400 });
  if (account.status !== "active") {
    return json({ error: "import.inactive" as const }, { status: 409 });
  }
  const jobs = services.jobs;
  if (!jobs) throw new Response("Background jobs are not running here.", { status: 503 });
  const backfill = parsed.data.intent === "backfill" ? parsed.data.days : undefined;
  const requestId = await services.db.transaction(async (tx) => {
    const jobId = await jobs.send(tx, "import.poll", {
      accountId: account.id,
      reason: backfill ? "backfill" : "manual",
      ...(backfill ? { sinceDays: backfill } : {}),
    });
    // The account's poll queue holds one waiting job: another one is already on its way.
    if (!jobId) return undefined;
    const [row] = await tx
      .insert(importRequests)
      .values({
        storeId: store.id,
        accountId: account.id,
        reason: backfill ? "backfill" : "manual",
        sinceDays: backfill ?? null,
        jobId,
        // The app's clock, like the orders' updated_at that progress is measured against.
        requestedAt: new Date(),
      })
      .returning({ id: importRequests.id });
    return row!.id;
  });
  if (!requestId) return json({ error: "import.busy" as const }, { status: 409 });
  services.logger.info(
    { storeId: store.id, accountId: account.id, backfillDays: backfill },
    "import requested by the merchant",
  );
  return json({ requestId });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { services, account } = await accountOf(request, params.accountId);
  const [latest] = await services.db
    .select()
    .from(importRequests)
    .where(eq(importRequests.accountId, account.id))
    .orderBy(desc(importRequests.requestedAt))
    .limit(1);
  if (!latest) return json({ progress: null, backfillDays: BACKFILL_DAYS });
  const job = services.jobs
    ? (await services.jobs.boss.findJobs("import.poll", { id: latest.jobId }))[0]
    : undefined;
  const [received, processed] = await orderCounts(services.db, account.id, latest.requestedAt);
  const output = job?.state === "completed" ? (job.output as Partial<PollResult>) : undefined;
  const result = output?.seen !== undefined ? pollCounts(output) : null;
  const total = result ? result.created + result.updated : null;
  const progress: ImportProgress = {
    requestId: latest.id,
    reason: latest.reason,
    sinceDays: latest.sinceDays,
    phase: phaseOf(job?.state, output?.status, processed, total),
    received,
    processed,
    total,
    result,
  };
  return json({ progress, backfillDays: BACKFILL_DAYS });
}

function pollCounts(output: Partial<PollResult>) {
  return { seen: output.seen ?? 0, created: output.created ?? 0, updated: output.updated ?? 0 };
}

function phaseOf(
  jobState: string | undefined,
  pollStatus: PollResult["status"] | undefined,
  processed: number,
  total: number | null,
): ImportPhase {
  switch (jobState) {
    case "created":
    case "retry":
      return "queued";
    case "active":
      return "reading";
    case "failed":
    case "cancelled":
      return "failed";
    case "completed":
      if (pollStatus === "inactive") return "inactive";
      if (pollStatus === "reconnect") return "reconnect";
      return total !== null && processed < total ? "processing" : "done";
    default:
      // pg-boss has deleted the job (kept for days after it finished): it ran long ago.
      return "done";
  }
}

/**
 * Orders of the account the poll stored since the request, and how many of them the pipeline has
 * settled. Approximate by nature — a buyer's change arriving meanwhile counts too — which is what
 * a progress bar needs.
 */
async function orderCounts(db: Database, accountId: string, since: Date) {
  const touched = and(
    eq(marketplaceOrders.accountId, accountId),
    gte(marketplaceOrders.updatedAt, since),
  );
  const [[received], [processed]] = await Promise.all([
    db.select({ n: count() }).from(marketplaceOrders).where(touched),
    db
      .select({ n: count() })
      .from(marketplaceOrders)
      .where(and(touched, notInArray(marketplaceOrders.state, ["new", "creating"]))),
  ]);
  return [received?.n ?? 0, processed?.n ?? 0] as const;
}
