import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  InlineStack,
  Layout,
  Link,
  List,
  Page,
  Text,
} from "@shopify/polaris";
import { z } from "zod";
import type { ReasonCode } from "../../db/schema";
import { AdminPageErrorBoundary } from "../admin-error-boundary";
import { requireAdmin } from "../auth.server";
import { formatDateTime } from "../i18n/format-date-time";
import { formatMinorUnits } from "../i18n/format-minor-units";
import { formatMarketplaceStatus } from "../i18n/marketplace-status";
import type { Locale } from "../i18n/locales";
import type { MessageKey, Translate } from "../i18n/messages";
import { timelineKey } from "../i18n/messages/order-detail";
import { formatReason } from "../i18n/reasons";
import { useLocale, useTranslate } from "../i18n/use-translate";
import {
  merchantActionDeps,
  NotFoundForStore,
  retryOrders,
  retryPush,
  skipOrders,
} from "../merchant-actions.server";
import { isStoreOrder, loadOrderDetail } from "../order-detail.server";
import { readForm } from "../read-form.server";

const orderIdSchema = z.uuid();

export const ErrorBoundary = AdminPageErrorBoundary;

const notFound = () => new Response("Not found", { status: 404 });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  const orderId = orderIdSchema.safeParse(params.orderId);
  if (!orderId.success) throw notFound();
  const detail = await loadOrderDetail(services.db, store, orderId.data);
  if (!detail) throw notFound();
  return json({
    detail,
    storePlatform: store.platform,
    backUrl: listUrl(new URL(request.url).searchParams.get("list")),
  });
}

/**
 * Back to the list as the merchant left it (filters, search, page): the list passes its query in
 * `list`. Only ever a query on the list's own path, whatever the parameter holds.
 */
function listUrl(listQuery: string | null): string {
  const query = new URLSearchParams(listQuery ?? "");
  for (const key of ["_data", "index", "list"]) query.delete(key);
  const search = query.toString();
  return search ? `/app/orders?${search}` : "/app/orders";
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("retry") }),
  z.object({ intent: z.literal("skip") }),
  z.object({ intent: z.literal("retryPush"), pushId: z.uuid() }),
]);

export type OrderActionResult = {
  done: "retried" | "skipped" | "nothing" | "pushRetried" | "pushResynced";
};

export async function action({ request, params }: ActionFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  const orderId = orderIdSchema.safeParse(params.orderId);
  if (!orderId.success) throw notFound();
  const parsed = actionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return json({ error: "invalid" }, { status: 400 });
  const deps = merchantActionDeps(services);
  const input = { storeId: store.id, orderIds: [orderId.data] };
  // The order must be this store's before anything is done to it (or to one of its pushes).
  if (!(await isStoreOrder(services.db, store.id, orderId.data))) throw notFound();
  switch (parsed.data.intent) {
    case "retry":
      return json<OrderActionResult>({
        done: (await retryOrders(deps, input)) > 0 ? "retried" : "nothing",
      });
    case "skip":
      return json<OrderActionResult>({
        done: (await skipOrders(deps, input)) > 0 ? "skipped" : "nothing",
      });
    case "retryPush": {
      try {
        const outcome = await retryPush(deps, {
          storeId: store.id,
          orderId: orderId.data,
          pushId: parsed.data.pushId,
        });
        const done = { queued: "pushRetried", resynced: "pushResynced", not_retryable: "nothing" };
        return json<OrderActionResult>({ done: done[outcome] as OrderActionResult["done"] });
      } catch (error) {
        if (error instanceof NotFoundForStore) throw notFound();
        throw error;
      }
    }
  }
}

const STATE_TONES: Partial<Record<string, Tone>> = {
  imported: "success",
  held: "warning",
  waiting: "info",
  failed: "critical",
};

const PUSH_TONES: Partial<Record<string, Tone>> = {
  confirmed: "success",
  sent: "info",
  held: "warning",
  failed: "critical",
};

type Tone = "success" | "warning" | "critical" | "info";

/** Polaris wants no `tone` at all for the neutral badge, not an undefined one. */
function toneOf(tones: Partial<Record<string, Tone>>, key: string): { tone?: Tone } {
  const tone = tones[key];
  return tone ? { tone } : {};
}

const DONE_MESSAGES = {
  retried: "detail.retried",
  skipped: "detail.skippedDone",
  nothing: "detail.nothingDone",
  pushRetried: "detail.pushRetried",
  pushResynced: "detail.pushResynced",
} as const;

export default function OrderDetailPage() {
  const { detail, storePlatform, backUrl } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useTranslate();
  const locale = useLocale();
  const { order } = detail;
  const busy = navigation.state !== "idle";
  const canRetry = ["held", "waiting", "failed", "skipped"].includes(order.state);
  const canSkip = ["held", "waiting", "failed", "new"].includes(order.state);

  return (
    <Page
      backAction={{ content: t("detail.back"), url: backUrl }}
      title={t("detail.title", {
        marketplace: t(`marketplace.${order.marketplace}`),
        marketplaceOrderId: order.marketplaceOrderId,
      })}
      titleMetadata={
        <InlineStack gap="200">
          <Badge {...toneOf(STATE_TONES, order.state)}>{t(`state.${order.state}`)}</Badge>
          {order.trackingState !== "none" && (
            <Badge {...toneOf(PUSH_TONES, order.trackingState)}>
              {t(`detail.tracking.${order.trackingState}`)}
            </Badge>
          )}
        </InlineStack>
      }
    >
      <Layout>
        {result && "done" in result && (
          <Layout.Section>
            <Banner tone={result.done === "nothing" ? "info" : "success"}>
              <span data-testid="action-result">{t(DONE_MESSAGES[result.done])}</span>
            </Banner>
          </Layout.Section>
        )}
        {order.holdReasons.length > 0 && order.state !== "imported" && (
          <Layout.Section>
            <Banner tone="warning" title={t("detail.reasonsTitle")}>
              <List>
                {order.holdReasons.map((reason, i) => (
                  <List.Item key={i}>{formatReason(locale, reason)}</List.Item>
                ))}
              </List>
            </Banner>
          </Layout.Section>
        )}
        {(canRetry || canSkip) && (
          <Layout.Section>
            <InlineStack gap="200">
              {canRetry && (
                <ActionButton intent="retry" label={t("detail.retry")} busy={busy} primary />
              )}
              {canSkip && <ActionButton intent="skip" label={t("detail.skip")} busy={busy} />}
            </InlineStack>
          </Layout.Section>
        )}
        <Layout.Section>
          <BlockStack gap="400">
            <LinesCard detail={detail} t={t} locale={locale} />
            <ShipmentsCard detail={detail} t={t} locale={locale} busy={busy} />
            <TimelineCard detail={detail} t={t} locale={locale} />
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <SummaryCard detail={detail} t={t} locale={locale} />
            <StoreOrderCard detail={detail} t={t} platform={storePlatform} />
            <ChecksCard detail={detail} t={t} locale={locale} />
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

type Detail = ReturnType<typeof useLoaderData<typeof loader>>["detail"];
interface CardProps {
  detail: Detail;
  t: Translate;
  locale: Locale;
}

function ActionButton(props: {
  intent: string;
  label: string;
  busy: boolean;
  primary?: boolean;
  pushId?: string;
}) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={props.intent} />
      {props.pushId && <input type="hidden" name="pushId" value={props.pushId} />}
      <Button
        submit
        variant={props.primary ? "primary" : "secondary"}
        disabled={props.busy}
        size={props.pushId ? "slim" : "medium"}
      >
        {props.label}
      </Button>
    </Form>
  );
}

function SummaryCard({ detail, t, locale }: CardProps) {
  const { order } = detail;
  const money = (minor: number) => formatMinorUnits(locale, minor, order.currency);
  const rows: [string, string][] = [
    [t("detail.account"), detail.account.displayName],
    [t("detail.marketplaceStatus"), formatMarketplaceStatus(locale, order.marketplaceStatus)],
    [t("detail.createdAt"), formatDateTime(locale, order.marketplaceCreatedAt)],
    ...(order.shipCountry
      ? [[t("detail.shipCountry"), countryName(locale, order.shipCountry)] as [string, string]]
      : []),
    [t("detail.subtotal"), money(order.subtotalMinor)],
    [t("detail.shipping"), money(order.shippingMinor)],
    [t("detail.tax"), money(order.taxMinor)],
    ...(order.discountMinor
      ? [[t("detail.discount"), money(-order.discountMinor)] as [string, string]]
      : []),
    [t("detail.total"), money(order.totalMinor)],
  ];
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {t("detail.summary")}
        </Text>
        {rows.map(([label, value]) => (
          <InlineStack key={label} align="space-between" gap="200" wrap={false}>
            <Text as="span" tone="subdued">
              {label}
            </Text>
            <Text as="span" alignment="end">
              {value}
            </Text>
          </InlineStack>
        ))}
      </BlockStack>
    </Card>
  );
}

function countryName(locale: Locale, code: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

function LinesCard({ detail, t, locale }: CardProps) {
  const rows = detail.lines.map((line) => [
    line.sku ?? t("detail.noSku"),
    line.title,
    line.quantity,
    line.quantityShipped,
    formatMinorUnits(locale, line.unitPriceMinor, detail.order.currency),
    <LineMapping key={line.id} line={line} accountId={detail.account.id} t={t} />,
  ]);
  return (
    <Card padding="0">
      <Box padding="400">
        <Text as="h2" variant="headingMd">
          {t("detail.lines")}
        </Text>
      </Box>
      <DataTable
        columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text"]}
        headings={[
          t("detail.sku"),
          t("detail.item"),
          t("detail.quantity"),
          t("detail.shipped"),
          t("detail.unitPrice"),
          t("detail.mapping"),
        ]}
        rows={rows}
      />
    </Card>
  );
}

function LineMapping({
  line,
  accountId,
  t,
}: {
  line: Detail["lines"][number];
  accountId: string;
  t: Translate;
}) {
  const fix = line.sku
    ? `/app/sku-mappings?${new URLSearchParams({ sku: line.sku, accountId }).toString()}`
    : undefined;
  if (line.mapping) {
    const text = `${t("detail.mappedTo", { storeSku: line.mapping.storeSku })}${
      line.mapping.accountWide ? ` ${t("detail.mappedAllAccounts")}` : ""
    }`;
    // A mapping the order is still held for is the thing to fix: it links to its form.
    return (
      <span data-testid={`mapping-${line.lineId}`}>
        {line.needsMapping && fix ? <Link url={fix}>{text}</Link> : text}
      </span>
    );
  }
  if (!line.sku) return <span>{t("detail.noSku")}</span>;
  if (line.sameSkuInStore) return <span>{t("detail.sameSku")}</span>;
  if (line.needsMapping && fix) return <Link url={fix}>{t("detail.mapSku")}</Link>;
  return <span>—</span>;
}

function ChecksCard({ detail, t, locale }: CardProps) {
  const checks = detail.order.checkResults;
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("detail.checks")}
        </Text>
        {checks.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("detail.noChecks")}
          </Text>
        ) : (
          checks.map((check) => (
            <BlockStack key={check.name} gap="100">
              <InlineStack align="space-between" gap="200">
                <Text as="span">{checkLabel(t, check.name)}</Text>
                <Badge tone={check.result === "pass" ? "success" : "warning"}>
                  {checkResultLabel(t, check.result)}
                </Badge>
              </InlineStack>
              {(check.reasons ?? []).map((reason, i) => (
                <Text as="p" tone="subdued" key={i}>
                  {formatReason(locale, reason)}
                </Text>
              ))}
            </BlockStack>
          ))
        )}
      </BlockStack>
    </Card>
  );
}

const CHECK_LABELS = {
  cancellation: "detail.checkName.cancellation",
  "fulfilled-by-marketplace": "detail.checkName.fulfilled-by-marketplace",
  "import-from": "detail.checkName.import-from",
  "not-imported": "detail.checkName.not-imported",
  connection: "detail.checkName.connection",
  ready: "detail.checkName.ready",
  sku: "detail.checkName.sku",
  stock: "detail.checkName.stock",
  address: "detail.checkName.address",
  currency: "detail.checkName.currency",
} as const;

function checkLabel(t: Translate, name: string): string {
  return Object.hasOwn(CHECK_LABELS, name)
    ? t(CHECK_LABELS[name as keyof typeof CHECK_LABELS])
    : name;
}

function checkResultLabel(t: Translate, result: string): string {
  if (result === "pass" || result === "skip" || result === "wait" || result === "hold") {
    return t(`detail.check.${result}`);
  }
  return result;
}

function StoreOrderCard({
  detail,
  t,
  platform,
}: {
  detail: Detail;
  t: Translate;
  platform: "shopify" | "bigcommerce";
}) {
  const storeOrder = detail.storeOrder;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          {t("detail.storeOrder")}
        </Text>
        {!storeOrder || storeOrder.state === "failed" ? (
          <Text as="p" tone="subdued">
            {t("detail.noStoreOrder")}
          </Text>
        ) : storeOrder.state === "creating" ? (
          <Text as="p" tone="subdued">
            {t("detail.storeOrderCreating")}
          </Text>
        ) : storeOrder.adminUrl ? (
          // The admin order page replaces the whole admin, not the app's frame.
          <Link url={storeOrder.adminUrl} target="_top" dataPrimaryLink>
            <span data-testid="store-order-link">
              {t(platform === "shopify" ? "detail.openInShopify" : "detail.openInBigCommerce", {
                name: storeOrder.name ?? "",
              })}
            </span>
          </Link>
        ) : (
          <Text as="p">{storeOrder.name}</Text>
        )}
      </BlockStack>
    </Card>
  );
}

/** Why there is nothing to show yet, and whether tracking will ever be sent. */
function noShipmentsKey(detail: Detail): MessageKey {
  if (detail.order.fulfilledByMarketplace) return "detail.noShipments.marketplaceFulfilled";
  if (detail.storeOrder?.state === "created") return "detail.noShipments";
  if (["skipped", "cancelled"].includes(detail.order.state)) return "detail.noShipments.skipped";
  return "detail.noShipments.notCreated";
}

function ShipmentsCard({ detail, t, locale, busy }: CardProps & { busy: boolean }) {
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {t("detail.shipments")}
        </Text>
        {detail.shipments.length === 0 ? (
          <Text as="p" tone="subdued">
            {t(noShipmentsKey(detail))}
          </Text>
        ) : (
          detail.shipments.map((shipment) => (
            <BlockStack key={shipment.id} gap="200">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h3" variant="headingSm">
                  {t("detail.shipmentTitle", {
                    carrier: shipment.carrier || t("detail.noCarrier"),
                    trackingNumber: shipment.trackingNumber || t("detail.noTracking"),
                  })}
                </Text>
                {shipment.cancelledAt && <Badge>{t("detail.shipmentCancelled")}</Badge>}
              </InlineStack>
              <Text as="p" tone="subdued">
                {t("detail.shipmentShippedAt", {
                  date: formatDateTime(locale, shipment.shippedAt),
                })}
              </Text>
              {shipment.pushes.length === 0 ? (
                <Text as="p" tone="subdued">
                  {t("detail.noPushes")}
                </Text>
              ) : (
                shipment.pushes.map((push) => (
                  <PushRow key={push.id} push={push} t={t} locale={locale} busy={busy} />
                ))
              )}
            </BlockStack>
          ))
        )}
      </BlockStack>
    </Card>
  );
}

function PushRow({
  push,
  t,
  locale,
  busy,
}: {
  push: Detail["shipments"][number]["pushes"][number];
  t: Translate;
  locale: Locale;
  busy: boolean;
}) {
  const carrier = push.carrierName ? `${push.carrierCode} (${push.carrierName})` : push.carrierCode;
  return (
    <Box
      padding="300"
      background="bg-surface-secondary"
      borderRadius="200"
      data-testid={`push-${push.id}`}
    >
      <BlockStack gap="100">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <InlineStack gap="200" blockAlign="center">
            <Badge {...toneOf(PUSH_TONES, push.state)}>{t(`detail.push.${push.state}`)}</Badge>
            <Text as="span" fontWeight="semibold">
              {push.trackingNumber}
            </Text>
            {push.kind === "update" && <Badge>{t("detail.pushUpdate")}</Badge>}
          </InlineStack>
          {(push.state === "failed" || push.state === "held") && (
            <ActionButton
              intent="retryPush"
              pushId={push.id}
              busy={busy}
              label={t(push.state === "failed" ? "detail.retryPush" : "detail.recheckPush")}
            />
          )}
        </InlineStack>
        <Text as="p" tone="subdued">
          {t("detail.pushCarrier", { carrier })} ·{" "}
          {t("detail.pushAttempts", { count: push.attempts })}
          {push.sentAt
            ? ` · ${t("detail.pushSentAt", { date: formatDateTime(locale, push.sentAt) })}`
            : ""}
          {push.confirmedAt
            ? ` · ${t("detail.pushConfirmedAt", { date: formatDateTime(locale, push.confirmedAt) })}`
            : ""}
        </Text>
        {push.lastError && (
          <Text
            as="p"
            tone={push.state === "failed" || push.state === "held" ? "critical" : "subdued"}
          >
            {formatReason(locale, push.lastError)}
          </Text>
        )}
        {push.warnings.map((warning, i) => (
          <Text as="p" tone="caution" key={i}>
            {formatReason(locale, warning)}
          </Text>
        ))}
        {push.failedAttempts.length > 0 && (
          <BlockStack gap="050">
            <Text as="h4" variant="headingXs">
              {t("detail.failedAttempts")}
            </Text>
            <ol
              style={{ margin: 0, paddingInlineStart: "1.25rem" }}
              data-testid={`push-attempts-${push.id}`}
            >
              {push.failedAttempts.map((attempt) => (
                <li key={`${attempt.attempt}-${attempt.at}`}>
                  <Text as="span" tone="subdued">
                    {t("detail.failedAttempt", {
                      attempt: attempt.attempt,
                      date: formatDateTime(locale, attempt.at),
                      answer: withAnswerDetail(t, formatReason(locale, attempt.answer), attempt),
                    })}
                  </Text>
                </li>
              ))}
            </ol>
          </BlockStack>
        )}
      </BlockStack>
    </Box>
  );
}

/** The marketplace's answer followed by its HTTP status and error code, when it gave them. */
function withAnswerDetail(
  t: Translate,
  answer: string,
  detail: { status?: unknown; vendorCode?: unknown },
): string {
  const parts = [
    ...(typeof detail.status === "number"
      ? [t("detail.answerStatus", { status: detail.status })]
      : []),
    ...(typeof detail.vendorCode === "string"
      ? [t("detail.answerCode", { vendorCode: detail.vendorCode })]
      : []),
  ];
  return parts.length > 0 ? `${answer} (${parts.join(", ")})` : answer;
}

function TimelineCard({ detail, t, locale }: CardProps) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("detail.timeline")}
        </Text>
        {detail.events.length === 0 ? (
          <Text as="p" tone="subdued">
            {t("detail.noEvents")}
          </Text>
        ) : (
          <ol style={{ margin: 0, paddingInlineStart: "1.25rem" }} data-testid="timeline">
            {detail.events.map((event) => (
              <li key={event.id} style={{ marginBlockEnd: "0.5rem" }}>
                <BlockStack gap="050">
                  <Text as="span">{eventText(t, locale, event.kind, event.params)}</Text>
                  {eventReasons(event.params).map((reason, i) => (
                    <Text as="span" tone="subdued" key={i}>
                      {event.kind === "push.attempt_failed"
                        ? withAnswerDetail(t, formatReason(locale, reason), event.params)
                        : formatReason(locale, reason)}
                    </Text>
                  ))}
                  <Text as="span" tone="subdued" variant="bodySm">
                    {formatDateTime(locale, event.at)}
                  </Text>
                </BlockStack>
              </li>
            ))}
          </ol>
        )}
      </BlockStack>
    </Card>
  );
}

/** The event as a sentence; a kind from another version is shown as its code. */
function eventText(
  t: Translate,
  locale: Locale,
  kind: string,
  params: Record<string, unknown>,
): string {
  const key = timelineKey(kind, params);
  if (!key) return kind;
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === "string" || typeof value === "number") values[name] = value;
    else if (value === null) values[name] = "—";
  }
  if (MARKETPLACE_STATUS_EVENTS.has(kind) && typeof params.status === "string") {
    values.status = formatMarketplaceStatus(locale, params.status);
  }
  return t(key, values);
}

/** Events whose `status` is the marketplace's own order status code. */
const MARKETPLACE_STATUS_EVENTS = new Set(["order.received", "order.updated"]);

function isReason(value: unknown): value is ReasonCode {
  return (
    typeof value === "object" && value !== null && typeof (value as ReasonCode).code === "string"
  );
}

function eventReasons(params: Record<string, unknown>): ReasonCode[] {
  const reasons = Array.isArray(params.reasons) ? params.reasons : [params.reason];
  return reasons.filter(isReason);
}
