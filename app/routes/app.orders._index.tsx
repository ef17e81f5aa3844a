import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  ChoiceList,
  EmptySearchResult,
  IndexFilters,
  IndexFiltersMode,
  IndexTable,
  InlineStack,
  Link,
  Page,
  Text,
  TextField,
  useBreakpoints,
  useIndexResourceState,
  useSetIndexFiltersMode,
} from "@shopify/polaris";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { z } from "zod";
import {
  encodeCursor,
  listOrders,
  listStoreAccounts,
  ORDER_LIST_STATES,
  type OrderListFilter,
  parseOrderListQuery,
  shownTrackingState,
} from "../../db/order-list";
import { requireAdmin } from "../auth.server";
import { bulkMessages, type BulkResultData } from "../bulk-result";
import { assertOwnAccounts } from "../order-filter.server";
import { formatCalendarDay, formatDateTime } from "../i18n/format-date-time";
import { formatMinorUnits } from "../i18n/format-minor-units";
import { formatReason } from "../i18n/reasons";
import { useLocale, useTranslate } from "../i18n/use-translate";
import {
  merchantActionDeps,
  retryOrderPushes,
  retryOrders,
  skipOrders,
} from "../merchant-actions.server";
import { CALENDAR_DAY_MAX, CALENDAR_DAY_MIN, parseCalendarDay } from "../../db/calendar-day";
import { readForm } from "../read-form.server";

const PAGE_SIZE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const { services, store, locale } = await requireAdmin(request);
  const query = parseOrderListQuery(new URL(request.url).searchParams);
  const [page, accounts] = await Promise.all([
    listOrders(services.db, services.keyring, {
      storeId: store.id,
      filter: query.filter,
      after: query.after,
      before: query.before,
      limit: PAGE_SIZE,
    }),
    listStoreAccounts(services.db, store.id),
  ]);
  assertOwnAccounts(query.filter, accounts);
  return json({
    rows: page.rows.map((row) => ({
      id: row.id,
      marketplace: row.marketplace,
      marketplaceOrderId: row.marketplaceOrderId,
      accountName: row.accountName,
      storeOrderName: row.storeOrderName,
      state: row.state,
      trackingState: shownTrackingState(row),
      total: formatMinorUnits(locale, row.totalMinor, row.currency),
      createdAt: formatDateTime(locale, row.createdAt),
      buyerName: row.buyerName,
      reasons: row.holdReasons.map((reason) => formatReason(locale, reason)),
    })),
    next: page.next && encodeCursor(page.next),
    previous: page.previous && encodeCursor(page.previous),
    accounts,
    states: ORDER_LIST_STATES,
    filtered: isFiltered(query.filter),
  });
}

function isFiltered(filter: OrderListFilter): boolean {
  return Boolean(
    filter.marketplaces?.length ||
    filter.accountIds?.length ||
    filter.states?.length ||
    filter.createdFrom ||
    filter.createdBefore ||
    filter.search,
  );
}

const bulkSchema = z.object({
  intent: z.enum(["retry", "skip"]),
  orderIds: z.array(z.uuid()).min(1).max(PAGE_SIZE),
});

/**
 * Bulk retry / skip of the selected rows, through the same use cases as the order page. "Retry"
 * covers both halves of the "Failed" filter: orders that did not import are checked again, and
 * the failed or held tracking of imported ones is retried push by push.
 */
export async function action({ request }: ActionFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  const form = await readForm(request);
  const parsed = bulkSchema.safeParse({
    intent: form.get("intent"),
    orderIds: form.getAll("orderId"),
  });
  if (!parsed.success) return json({ error: "invalid" as const }, { status: 400 });
  const { intent, orderIds } = parsed.data;
  const deps = merchantActionDeps(services);
  const input = { storeId: store.id, orderIds };
  if (intent === "skip") {
    return json<BulkResultData>({ intent, count: await skipOrders(deps, input) });
  }
  const count = await retryOrders(deps, input);
  const { queued, resynced } = await retryOrderPushes(deps, input);
  return json<BulkResultData>({ intent, count, pushes: { queued, resynced } });
}

type Row = ReturnType<typeof useLoaderData<typeof loader>>["rows"][number];

const STATE_TONES: Partial<Record<Row["state"], "success" | "warning" | "critical" | "info">> = {
  imported: "success",
  held: "warning",
  failed: "critical",
  waiting: "info",
};
const TRACKING_TONES: Partial<
  Record<NonNullable<Row["trackingState"]>, "success" | "info" | "critical">
> = {
  confirmed: "success",
  pending: "info",
  sent: "info",
  failed: "critical",
};

/** Polaris takes no `tone={undefined}` under exactOptionalPropertyTypes: no tone, no prop. */
const toneOf = <T extends string>(tone: T | undefined) => (tone ? { tone } : {});

const FILTER_PARAMS = ["state", "marketplace", "account", "from", "to", "q"] as const;

const listParam = (params: URLSearchParams, name: string) =>
  (params.get(name) ?? "").split(",").filter(Boolean);

export default function OrdersPage() {
  const data = useLoaderData<typeof loader>();
  const t = useTranslate();
  const locale = useLocale();
  const [currentParams, setParams] = useSearchParams();
  const navigation = useNavigation();
  // While the next list loads, the filters already show what was asked for: a ticked box stays
  // ticked instead of flicking back until the server answers.
  const pendingSearch =
    navigation.location?.pathname === "/app/orders" ? navigation.location.search : undefined;
  const params = useMemo(
    () => (pendingSearch !== undefined ? new URLSearchParams(pendingSearch) : currentParams),
    [pendingSearch, currentParams],
  );
  const loading = navigation.state === "loading" && navigation.location.pathname === "/app/orders";
  const urlQuery = params.get("q") ?? "";
  const [query, setQuery] = useState(urlQuery);
  /** The last search this page put in the URL, to tell it from one the URL brought (Back). */
  const sentQuery = useRef(urlQuery);
  const { smDown } = useBreakpoints();

  // Filters or a search in the URL (a link such as "Review held orders", Back, an order's back
  // link) show in the bar with their chips: it opens with them, on the server's render too, and
  // does not close while they narrow the list, or the rows would be filtered by nothing visible.
  const narrowed = FILTER_PARAMS.some((name) => (params.get(name) ?? "").trim() !== "");
  const { mode, setMode } = useSetIndexFiltersMode(
    narrowed ? IndexFiltersMode.Filtering : IndexFiltersMode.Default,
  );
  /** Only a bar the merchant opens takes the focus; one the URL opens leaves it where it is. */
  const [focusSearch, setFocusSearch] = useState(false);
  useEffect(() => {
    if (!narrowed || mode === IndexFiltersMode.Filtering) return;
    setFocusSearch(false);
    setMode(IndexFiltersMode.Filtering);
  }, [narrowed, mode, setMode]);
  const changeMode = useCallback(
    (next: IndexFiltersMode) => {
      if (next === IndexFiltersMode.Default && (narrowed || query.trim() !== "")) return;
      setFocusSearch(true);
      setMode(next);
    },
    [narrowed, query, setMode],
  );

  /** A new filter starts again from the first page. */
  const update = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(params);
      next.delete("after");
      next.delete("before");
      for (const [key, value] of Object.entries(changes)) {
        if (value) next.set(key, value);
        else next.delete(key);
      }
      setParams(next, { preventScrollReset: true });
    },
    [params, setParams],
  );

  // The URL changed on its own (Back, a link): the search field follows it.
  useEffect(() => {
    if (urlQuery === sentQuery.current) return;
    sentQuery.current = urlQuery;
    setQuery(urlQuery);
  }, [urlQuery]);
  const search = useCallback(
    (term: string) => {
      sentQuery.current = term;
      update({ q: term || undefined });
    },
    [update],
  );
  // Search waits for the merchant to stop typing: every change is a round trip.
  useEffect(() => {
    const term = query.trim();
    if (term === urlQuery) return;
    const timer = setTimeout(() => search(term), 400);
    return () => clearTimeout(timer);
  }, [query, urlQuery, search]);

  const choice = (name: string, title: string, choices: { label: string; value: string }[]) => ({
    key: name,
    label: title,
    pinned: true,
    filter: (
      <ChoiceList
        title={title}
        titleHidden
        allowMultiple
        choices={choices}
        selected={listParam(params, name)}
        onChange={(selected) => update({ [name]: selected.join(",") || undefined })}
      />
    ),
  });
  const marketplaceChoices = (["ebay", "amazon"] as const).map((m) => ({
    label: t(`marketplace.${m}`),
    value: m,
  }));
  const accountChoices = data.accounts.map((a) => ({
    label: `${a.displayName} · ${t(`marketplace.${a.platform}`)}`,
    value: a.id,
  }));
  const stateChoices = data.states.map((s) => ({ label: t(`orders.listState.${s}`), value: s }));
  // As the server reads them: a day that does not exist filters nothing, so it gets no chip.
  const dayParam = (name: string) => {
    const value = params.get(name) ?? "";
    return parseCalendarDay(value) ? value : "";
  };
  const from = dayParam("from");
  const to = dayParam("to");
  const filters = [
    choice("state", t("orders.filterState"), stateChoices),
    choice("marketplace", t("orders.filterMarketplace"), marketplaceChoices),
    choice("account", t("orders.filterAccount"), accountChoices),
    {
      key: "dates",
      label: t("orders.filterDates"),
      filter: (
        <BlockStack gap="200">
          <TextField
            label={t("orders.filterFrom")}
            type="date"
            min={CALENDAR_DAY_MIN}
            max={CALENDAR_DAY_MAX}
            autoComplete="off"
            value={from}
            onChange={(value) => update({ from: value || undefined })}
          />
          <TextField
            label={t("orders.filterTo")}
            type="date"
            min={CALENDAR_DAY_MIN}
            max={CALENDAR_DAY_MAX}
            autoComplete="off"
            value={to}
            onChange={(value) => update({ to: value || undefined })}
          />
        </BlockStack>
      ),
    },
  ];
  // Only values the list knows: the server ignores the others, so a chip would claim a filter
  // that does not apply (a hand-edited `state=bogus`).
  const labelsOf = (name: string, choices: { label: string; value: string }[]) =>
    listParam(params, name)
      .flatMap((v) => choices.find((c) => c.value === v)?.label ?? [])
      .join(", ");
  const appliedFilters = [
    ...(["state", "marketplace", "account"] as const)
      .map((name) => ({
        key: name,
        label: labelsOf(
          name,
          name === "state"
            ? stateChoices
            : name === "account"
              ? accountChoices
              : marketplaceChoices,
        ),
        onRemove: () => update({ [name]: undefined }),
      }))
      .filter((chip) => chip.label !== ""),
    ...(from || to
      ? [
          {
            key: "dates",
            label:
              from && to
                ? t("orders.filterDatesBetween", {
                    from: formatCalendarDay(locale, from),
                    to: formatCalendarDay(locale, to),
                  })
                : from
                  ? t("orders.filterDatesFrom", { from: formatCalendarDay(locale, from) })
                  : t("orders.filterDatesTo", { to: formatCalendarDay(locale, to) }),
            onRemove: () => update({ from: undefined, to: undefined }),
          },
        ]
      : []),
  ];
  const clearAll = () => {
    setQuery("");
    sentQuery.current = "";
    // Only the list's own parameters: the admin's (shop, host, locale…) stay in the URL.
    update(Object.fromEntries(FILTER_PARAMS.map((name) => [name, undefined])));
  };

  const RowView = smDown ? CondensedOrderRow : OrderRow;
  const listQuery = currentParams.toString();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } =
    useIndexResourceState(data.rows);
  // A new page or filter is a new set of rows: a selection never reaches rows no longer shown.
  useEffect(() => clearSelection(), [data.rows, clearSelection]);
  const bulk = useFetcher<typeof action>();
  const submitBulk = (intent: "retry" | "skip") => {
    const form = new FormData();
    form.set("intent", intent);
    for (const id of selectedResources) form.append("orderId", id);
    bulk.submit(form, { method: "post" });
  };
  const [exporting, setExporting] = useState(false);
  const [exportFailed, setExportFailed] = useState(false);
  const exportCsv = async () => {
    setExporting(true);
    setExportFailed(false);
    try {
      await downloadExport(params, locale);
    } catch {
      setExportFailed(true);
    } finally {
      setExporting(false);
    }
  };

  const goTo = (cursor: { after?: string | undefined; before?: string | undefined }) => {
    const next = new URLSearchParams(params);
    next.delete("after");
    next.delete("before");
    if (cursor.after) next.set("after", cursor.after);
    if (cursor.before) next.set("before", cursor.before);
    setParams(next);
  };

  return (
    <Page
      title={t("orders.title")}
      subtitle={t("orders.subtitle")}
      fullWidth
      secondaryActions={[{ content: t("orders.export"), onAction: exportCsv, loading: exporting }]}
    >
      <BlockStack gap="400">
        <BulkResult data={bulk.data} />
        {exportFailed && (
          <Banner tone="critical" onDismiss={() => setExportFailed(false)}>
            <p>{t("orders.exportFailed")}</p>
          </Banner>
        )}
        <Card padding="0">
          <IndexFilters
            queryValue={query}
            queryPlaceholder={t("orders.searchPlaceholder")}
            onQueryChange={setQuery}
            onQueryClear={() => {
              setQuery("");
              search("");
            }}
            tabs={[{ id: "all", content: t("orders.tabAll") }]}
            selected={0}
            onSelect={() => undefined}
            canCreateNewView={false}
            filters={filters}
            appliedFilters={appliedFilters}
            onClearAll={clearAll}
            mode={mode}
            setMode={changeMode}
            autoFocusSearchField={focusSearch}
            loading={loading}
          />
          <IndexTable
            // A phone shows each order as one stacked block: eight columns would scroll sideways.
            condensed={smDown}
            resourceName={{
              singular: t("orders.resourceSingular"),
              plural: t("orders.resourcePlural"),
            }}
            itemCount={data.rows.length}
            selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
            onSelectionChange={handleSelectionChange}
            loading={loading || bulk.state !== "idle"}
            promotedBulkActions={[
              { content: t("orders.bulkRetry"), onAction: () => submitBulk("retry") },
              { content: t("orders.bulkSkip"), onAction: () => submitBulk("skip") },
            ]}
            emptyState={data.filtered ? <NoMatch /> : <NoOrders />}
            headings={[
              { title: t("orders.colOrder") },
              { title: t("orders.colDate") },
              { title: t("orders.colAccount") },
              { title: t("orders.colBuyer") },
              { title: t("orders.colStoreOrder") },
              { title: t("orders.colStatus") },
              { title: t("orders.colTracking") },
              { title: t("orders.colTotal"), alignment: "end" },
            ]}
            pagination={{
              hasNext: Boolean(data.next),
              hasPrevious: Boolean(data.previous),
              onNext: () => goTo({ after: data.next }),
              onPrevious: () => goTo({ before: data.previous }),
            }}
          >
            {data.rows.map((row, index) => (
              <RowView
                key={row.id}
                row={row}
                index={index}
                selected={selectedResources.includes(row.id)}
                listQuery={listQuery}
              />
            ))}
          </IndexTable>
        </Card>
        <Text as="p" tone="subdued">
          {t("orders.searchHelp")}
        </Text>
      </BlockStack>
    </Page>
  );
}

interface OrderRowProps {
  row: Row;
  index: number;
  selected: boolean;
  /** The list's own filters and page, so the order's back link returns to them. */
  listQuery: string;
}

function OrderLink({ row, listQuery }: Pick<OrderRowProps, "row" | "listQuery">) {
  return (
    <Link
      url={`/app/orders/${row.id}${listQuery ? `?${new URLSearchParams({ list: listQuery })}` : ""}`}
      dataPrimaryLink
      monochrome
      removeUnderline
    >
      <Text as="span" fontWeight="semibold">
        {row.marketplaceOrderId}
      </Text>
    </Link>
  );
}

function StateBadge({ row }: { row: Row }) {
  const t = useTranslate();
  return <Badge {...toneOf(STATE_TONES[row.state])}>{t(`state.${row.state}`)}</Badge>;
}

function TrackingStatus({ row }: { row: Row }) {
  const t = useTranslate();
  return row.trackingState === null || row.trackingState === "none" ? (
    <Text as="span" tone="subdued">
      {row.trackingState ? t("orders.tracking.none") : "—"}
    </Text>
  ) : (
    <Badge {...toneOf(TRACKING_TONES[row.trackingState])}>
      {t(`orders.tracking.${row.trackingState}`)}
    </Badge>
  );
}

/** One line: the whole reason is on the order's page, a row stays a row. */
function FirstReason({ row }: { row: Row }) {
  const t = useTranslate();
  const [firstReason, ...otherReasons] = row.reasons;
  if (!firstReason) return null;
  return (
    <Box maxWidth="260px">
      <Text as="span" tone="subdued" truncate>
        {firstReason}
        {otherReasons.length > 0 && ` ${t("orders.moreReasons", { count: otherReasons.length })}`}
      </Text>
    </Box>
  );
}

function OrderRow({ row, index, selected, listQuery }: OrderRowProps) {
  const t = useTranslate();
  return (
    <IndexTable.Row id={row.id} position={index} selected={selected}>
      <IndexTable.Cell>
        <BlockStack gap="050">
          <OrderLink row={row} listQuery={listQuery} />
          <Text as="span" tone="subdued">
            {t(`marketplace.${row.marketplace}`)}
          </Text>
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>{row.createdAt}</IndexTable.Cell>
      <IndexTable.Cell>{row.accountName}</IndexTable.Cell>
      <IndexTable.Cell>
        {row.buyerName ?? (
          <Text as="span" tone="subdued">
            {t("orders.buyerErased")}
          </Text>
        )}
      </IndexTable.Cell>
      <IndexTable.Cell>{row.storeOrderName ?? "—"}</IndexTable.Cell>
      <IndexTable.Cell>
        <BlockStack gap="100" inlineAlign="start">
          <StateBadge row={row} />
          <FirstReason row={row} />
        </BlockStack>
      </IndexTable.Cell>
      <IndexTable.Cell>
        <TrackingStatus row={row} />
      </IndexTable.Cell>
      <IndexTable.Cell>
        <Text as="span" alignment="end" numeric>
          {row.total}
        </Text>
      </IndexTable.Cell>
    </IndexTable.Row>
  );
}

/**
 * A row of the condensed (phone) table: no cells, one block with what a merchant acts on — the
 * order and its marketplace, the total, where the import and the tracking stand, the date.
 */
function CondensedOrderRow({ row, index, selected, listQuery }: OrderRowProps) {
  const t = useTranslate();
  return (
    <IndexTable.Row id={row.id} position={index} selected={selected}>
      <Box paddingBlock="300" paddingInline="400" width="100%">
        <BlockStack gap="100">
          <InlineStack align="space-between" blockAlign="center" gap="200">
            <InlineStack gap="100" blockAlign="center">
              <OrderLink row={row} listQuery={listQuery} />
              <Text as="span" tone="subdued">
                {t(`marketplace.${row.marketplace}`)}
              </Text>
            </InlineStack>
            <Text as="span" numeric>
              {row.total}
            </Text>
          </InlineStack>
          <InlineStack gap="200" blockAlign="center">
            <StateBadge row={row} />
            <TrackingStatus row={row} />
          </InlineStack>
          <FirstReason row={row} />
          <Text as="span" variant="bodySm" tone="subdued">
            {row.createdAt}
          </Text>
        </BlockStack>
      </Box>
    </IndexTable.Row>
  );
}

function BulkResult({ data }: { data: BulkResultData | object | undefined }) {
  const t = useTranslate();
  const [hidden, setHidden] = useState<unknown>(undefined);
  if (!data || !("intent" in data) || hidden === data) return null;
  const messages = bulkMessages(t, data);
  const none = messages.length === 0;
  return (
    <Banner tone={none ? "warning" : "success"} onDismiss={() => setHidden(data)}>
      <p>
        {none
          ? t(data.intent === "retry" ? "orders.retryNone" : "orders.skipNone")
          : messages.join(" ")}
      </p>
    </Banner>
  );
}

function NoOrders() {
  const t = useTranslate();
  return (
    <Box padding="800">
      <BlockStack gap="200" inlineAlign="center">
        <Text as="h2" variant="headingMd">
          {t("orders.emptyTitle")}
        </Text>
        <Text as="p" tone="subdued" alignment="center">
          {t("orders.emptyBody")}
        </Text>
      </BlockStack>
    </Box>
  );
}

function NoMatch() {
  const t = useTranslate();
  return (
    <EmptySearchResult
      title={t("orders.noMatchTitle")}
      description={t("orders.noMatchBody")}
      withIllustration
    />
  );
}

/**
 * Starts the export's download. Inside the Shopify admin, App Bridge adds the session token to the
 * app's own fetches but not to a navigation, so a fetch asks for a short-lived signed link and the
 * browser downloads that link itself: the file streams to disk (with the browser's own progress)
 * instead of being held whole in the tab. The `download` attribute saves it without leaving the
 * page, in the admin's frame as well as outside it.
 */
async function downloadExport(params: URLSearchParams, locale: string): Promise<void> {
  const query = new URLSearchParams(params);
  query.delete("after");
  query.delete("before");
  query.set("locale", locale);
  const response = await fetch(`/app/orders/export-link?${query}`, { method: "POST" });
  if (!response.ok) throw new Error(`export link answered ${response.status}`);
  const { url } = (await response.json()) as { url?: unknown };
  if (typeof url !== "string" || !url.startsWith("/exports/")) {
    throw new Error("export link answered without a link");
  }
  const anchor = document.createElement("a");
  anchor.href = url;
  // The server's Content-Disposition names the file (dated, in the merchant's language).
  anchor.download = "";
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
}
