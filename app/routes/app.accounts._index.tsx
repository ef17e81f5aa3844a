import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  ButtonGroup,
  Card,
  EmptyState,
  InlineStack,
  Layout,
  Modal,
  Page,
  ProgressBar,
  Select,
  Text,
} from "@shopify/polaris";
import { useEffect, useId, useRef, useState } from "react";
import { z } from "zod";
import { amazonMarketplace } from "../../jobs/accounts/amazon-marketplaces";
import { ebayMarketplaceCountry } from "../../jobs/accounts/ebay-marketplaces";
import { AdminPageErrorBoundary } from "../admin-error-boundary";
import type {
  action as importAction,
  loader as importLoader,
} from "./app.accounts.$accountId.import";
import { requireAdmin } from "../auth.server";
import { formatDateTime } from "../i18n/format-date-time";
import type { Translate } from "../i18n/messages";
import { useLocale, useTranslate } from "../i18n/use-translate";
import {
  AccountNotFound,
  disconnectAccount,
  embeddedAdminPath,
  listStoreAccounts,
} from "../marketplace-accounts.server";
import { readForm } from "../read-form.server";

/**
 * The store's marketplace accounts with their status, last import and authorization expiry; the
 * way to connect, reconnect and disconnect them (after a confirmation).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  const accounts = await listStoreAccounts(services.db, store.id);
  const url = new URL(request.url);
  const connected = accounts.find((a) => a.id === url.searchParams.get("connected"));
  return json({
    accounts: accounts.map((a) => ({
      ...a,
      lastImportAt: a.lastImportAt?.toISOString() ?? null,
      credentialsExpireAt: a.credentialsExpireAt?.toISOString() ?? null,
      disconnectedAt: a.disconnectedAt?.toISOString() ?? null,
    })),
    notice: connected
      ? {
          kind: url.searchParams.has("reconnected")
            ? ("reconnected" as const)
            : ("connected" as const),
          name: connected.displayName,
        }
      : url.searchParams.has("disconnected")
        ? { kind: "disconnected" as const, name: "" }
        : null,
  });
}

const actionSchema = z.object({ intent: z.literal("disconnect"), accountId: z.uuid() });

export async function action({ request }: ActionFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  const parsed = actionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) throw new Response("Unknown action or invalid fields.", { status: 400 });
  if (!services.jobs) throw new Response("Background jobs are not running here.", { status: 503 });
  try {
    const { jobsCancelled } = await disconnectAccount(
      { db: services.db, jobs: services.jobs },
      { storeId: store.id, accountId: parsed.data.accountId },
    );
    services.logger.info(
      { storeId: store.id, accountId: parsed.data.accountId, jobsCancelled },
      "marketplace account disconnected",
    );
  } catch (error) {
    if (error instanceof AccountNotFound) throw new Response("Not found", { status: 404 });
    throw error;
  }
  return redirect(embeddedAdminPath(new URL(request.url), "/app/accounts", { disconnected: "1" }));
}

type AccountView = ReturnType<typeof useLoaderData<typeof loader>>["accounts"][number];

const PLATFORM_LABELS = { ebay: "eBay", amazon: "Amazon" } as const;

/**
 * Marketplace ids mean nothing to a merchant: their country, in the admin's language. An id we do
 * not know is shown as it is rather than guessed.
 */
function marketplaceLabel(id: string, regions: Intl.DisplayNames, t: Translate): string {
  const country = amazonMarketplace(id)?.country ?? ebayMarketplaceCountry(id);
  if (!country) return id;
  const name = regions.of(country) ?? country;
  return id === "EBAY_MOTORS_US" ? t("accounts.ebayMotors", { country: name }) : name;
}

function badgeTone(status: AccountView["status"]) {
  if (status === "active") return { tone: "success" as const };
  if (status === "needs_reconnect") return { tone: "critical" as const };
  return {};
}

export default function Accounts() {
  const { accounts, notice } = useLoaderData<typeof loader>();
  const t = useTranslate();
  const [confirming, setConfirming] = useState<AccountView | null>(null);
  const actions = {
    primaryAction: { content: t("accounts.connectEbay"), url: "/app/accounts/connect/ebay" },
    secondaryActions: [
      { content: t("accounts.connectAmazon"), url: "/app/accounts/connect/amazon" },
    ],
  };
  return (
    <Page title={t("accounts.title")} subtitle={t("accounts.subtitle")} {...actions}>
      <Layout>
        {notice && (
          <Layout.Section>
            <Banner tone="success">
              <p data-testid="accounts-notice">
                {notice.kind === "disconnected"
                  ? t("accounts.disconnectedNotice")
                  : t(`accounts.${notice.kind}`, { name: notice.name })}
              </p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          {accounts.length === 0 ? (
            <Card>
              <EmptyState
                heading={t("accounts.emptyTitle")}
                action={{ content: t("accounts.connectEbay"), url: "/app/accounts/connect/ebay" }}
                secondaryAction={{
                  content: t("accounts.connectAmazon"),
                  url: "/app/accounts/connect/amazon",
                }}
                image=""
              >
                <p>{t("accounts.emptyBody")}</p>
              </EmptyState>
            </Card>
          ) : (
            <BlockStack gap="400">
              {accounts.map((account) => (
                <AccountCard
                  key={account.id}
                  account={account}
                  onDisconnect={() => setConfirming(account)}
                />
              ))}
            </BlockStack>
          )}
        </Layout.Section>
      </Layout>
      {confirming && <DisconnectModal account={confirming} onClose={() => setConfirming(null)} />}
    </Page>
  );
}

function AccountCard({
  account,
  onDisconnect,
}: {
  account: AccountView;
  onDisconnect: () => void;
}) {
  const t = useTranslate();
  const locale = useLocale();
  const regions = new Intl.DisplayNames([locale], { type: "region" });
  const platform = PLATFORM_LABELS[account.platform];
  const expiry = account.credentialsExpireAt ? new Date(account.credentialsExpireAt) : null;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              {account.displayName}
            </Text>
            <Text as="span" tone="subdued">
              {platform} · {account.sellerId}
            </Text>
          </BlockStack>
          <Badge {...badgeTone(account.status)}>{t(`account.${account.status}`)}</Badge>
        </InlineStack>
        {account.status === "needs_reconnect" && (
          <Banner tone="critical">
            <p>{t("accounts.needsReconnect", { platform })}</p>
          </Banner>
        )}
        <BlockStack gap="100">
          {account.marketplaceIds.length > 0 && (
            <Text as="p">
              {t("accounts.marketplaces", {
                list: account.marketplaceIds
                  .map((id) => marketplaceLabel(id, regions, t))
                  .join(", "),
              })}
            </Text>
          )}
          <Text as="p">
            {account.lastImportAt
              ? t("accounts.lastImport", { date: formatDateTime(locale, account.lastImportAt) })
              : t("accounts.neverImported")}
          </Text>
          {account.status === "disconnected" && account.disconnectedAt ? (
            <Text as="p" tone="subdued">
              {t("accounts.disconnectedOn", {
                date: formatDateTime(locale, account.disconnectedAt),
              })}
            </Text>
          ) : (
            expiry && (
              <Text as="p" tone={expiry.getTime() < Date.now() ? "critical" : "subdued"}>
                <span data-testid={`grant-expiry-${account.id}`}>
                  {t(
                    expiry.getTime() < Date.now() ? "accounts.grantExpired" : "accounts.grantUntil",
                    {
                      date: formatDateTime(locale, expiry),
                    },
                  )}
                </span>
              </Text>
            )
          )}
        </BlockStack>
        {account.status === "active" && <ImportControls accountId={account.id} />}
        <ButtonGroup>
          <Button url={`/app/accounts/${account.id}/settings`}>{t("accounts.settings")}</Button>
          {account.status !== "active" && (
            <Button
              {...(account.status === "needs_reconnect" ? { variant: "primary" as const } : {})}
              url={`/app/accounts/connect/${account.platform}?account=${account.id}`}
            >
              {t("accounts.reconnect")}
            </Button>
          )}
          {account.status !== "disconnected" && (
            <Button tone="critical" variant="plain" onClick={onDisconnect}>
              {t("accounts.disconnect")}
            </Button>
          )}
        </ButtonGroup>
      </BlockStack>
    </Card>
  );
}

/** Import phases after which there is nothing more to wait for. */
const SETTLED = new Set(["done", "failed", "inactive", "reconnect"]);
const PROGRESS_POLL_MS = 1500;

/**
 * "Import now" and "Backfill N days", then a progress bar with counts while the poll reads the
 * marketplace and the pipeline processes what it found (polling the import route).
 */
function ImportControls({ accountId }: { accountId: string }) {
  const t = useTranslate();
  const locale = useLocale();
  const number = new Intl.NumberFormat(locale);
  const labelId = useId();
  const path = `/app/accounts/${accountId}/import`;
  const start = useFetcher<typeof importAction>();
  const status = useFetcher<typeof importLoader>();
  const [days, setDays] = useState("30");
  const { load } = status;
  const progress = status.data?.progress ?? null;
  const running = progress !== null && !SETTLED.has(progress.phase);

  // What is under way already (a request made before the page was opened), then each new one.
  const started = start.data && "requestId" in start.data ? start.data.requestId : undefined;
  useEffect(() => {
    load(path);
  }, [load, path, started]);
  useEffect(() => {
    if (!running) return undefined;
    const timer = setTimeout(() => load(path), PROGRESS_POLL_MS);
    return () => clearTimeout(timer);
  }, [load, path, running, status.data]);

  const submit = (form: Record<string, string>) =>
    start.submit(form, { method: "post", action: path });
  const busy = start.state !== "idle" || running;
  const startError = start.data && "error" in start.data ? start.data.error : undefined;
  const options = (status.data?.backfillDays ?? []).map((d) => ({
    value: String(d),
    label: t("import.days", { days: d }),
  }));

  return (
    <div data-testid={`import-controls-${accountId}`}>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="end" wrap>
          <Button onClick={() => submit({ intent: "now" })} disabled={busy}>
            {t("import.now")}
          </Button>
          {options.length > 0 && (
            <InlineStack gap="200" blockAlign="end">
              <Select
                label={t("import.backfillDays")}
                labelInline
                options={options}
                value={days}
                onChange={setDays}
                disabled={busy}
              />
              <Button onClick={() => submit({ intent: "backfill", days })} disabled={busy}>
                {t("import.backfill")}
              </Button>
            </InlineStack>
          )}
        </InlineStack>
        {startError && (
          <Banner tone="warning">
            <p>{t(startError)}</p>
          </Banner>
        )}
        {progress && (
          <BlockStack gap="100">
            <span id={labelId} data-testid={`import-progress-${accountId}`}>
              <Text as="span" tone={progress.phase === "failed" ? "critical" : "subdued"}>
                {progressText(t, number, progress)}
              </Text>
            </span>
            {running && (
              <ProgressBar
                ariaLabelledBy={labelId}
                size="small"
                animated
                progress={
                  progress.phase === "processing" && progress.total
                    ? Math.round(
                        (100 * Math.min(progress.processed, progress.total)) / progress.total,
                      )
                    : progress.phase === "reading"
                      ? 10
                      : 0
                }
              />
            )}
          </BlockStack>
        )}
      </BlockStack>
    </div>
  );
}

type ImportProgressView = NonNullable<
  NonNullable<ReturnType<typeof useFetcher<typeof importLoader>>["data"]>["progress"]
>;

function progressText(
  t: Translate,
  number: Intl.NumberFormat,
  progress: ImportProgressView,
): string {
  switch (progress.phase) {
    case "queued":
      return t("import.queued");
    case "reading":
      return t("import.reading", { count: number.format(progress.received) });
    case "processing":
      return t("import.processing", {
        done: number.format(progress.processed),
        total: number.format(progress.total ?? 0),
      });
    case "failed":
      return t("import.failed");
    case "inactive":
    case "reconnect":
      return t("import.inactive");
    case "done":
      return t("import.done", {
        seen: number.format(progress.result?.seen ?? progress.received),
        created: number.format(progress.result?.created ?? 0),
        updated: number.format(progress.result?.updated ?? 0),
      });
  }
}

function DisconnectModal({ account, onClose }: { account: AccountView; onClose: () => void }) {
  const t = useTranslate();
  const navigation = useNavigation();
  const formId = `disconnect-${account.id}`;
  // Closes once the disconnection went through and the list reloaded.
  const submitted = useRef(false);
  useEffect(() => {
    if (navigation.state !== "idle") submitted.current = true;
    else if (submitted.current) onClose();
  }, [navigation.state, onClose]);
  return (
    <Modal
      open
      onClose={onClose}
      title={t("accounts.disconnectTitle", { name: account.displayName })}
      primaryAction={{
        content: t("accounts.disconnectConfirm"),
        destructive: true,
        loading: navigation.state === "submitting",
        onAction: () =>
          (document.getElementById(formId) as HTMLFormElement | null)?.requestSubmit(),
      }}
      secondaryActions={[{ content: t("accounts.cancel"), onAction: onClose }]}
    >
      <Modal.Section>
        <Form method="post" id={formId}>
          <input type="hidden" name="intent" value="disconnect" />
          <input type="hidden" name="accountId" value={account.id} />
          <Text as="p">
            {t("accounts.disconnectBody", { platform: PLATFORM_LABELS[account.platform] })}
          </Text>
        </Form>
      </Modal.Section>
    </Modal>
  );
}

export const ErrorBoundary = AdminPageErrorBoundary;
