import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  Form,
  useActionData,
  useFetcher,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { useAppBridge } from "@shopify/app-bridge-react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  EmptyState,
  InlineStack,
  Layout,
  List,
  Page,
  Pagination,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import { AdminPageErrorBoundary } from "../admin-error-boundary";
import { requireAdmin } from "../auth.server";
import type { MessageKey, Translate } from "../i18n/messages";
import { useTranslate } from "../i18n/use-translate";
import { merchantActionDeps, NotFoundForStore } from "../merchant-actions.server";
import { ALL_ACCOUNTS, MAX_SKU_LENGTH } from "../sku-mapping-rules";
import {
  type CsvRowError,
  deleteSkuMapping,
  importSkuMappingsCsv,
  listSkuMappings,
  saveSkuMappingForStore,
  storeAccounts,
} from "../sku-mappings.server";
import type { VariantSearchResult } from "./app.variants.search";
import { readForm } from "../read-form.server";

export const ErrorBoundary = AdminPageErrorBoundary;

/** A mapping file larger than this is refused before it is read. */
const MAX_IMPORT_BYTES = 1024 * 1024;

export async function loader({ request }: LoaderFunctionArgs) {
  const { services, store, embedded } = await requireAdmin(request);
  const url = new URL(request.url);
  const query = url.searchParams.get("q") ?? "";
  const page = Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1;
  const [list, accounts] = await Promise.all([
    listSkuMappings(services.db, store.id, { query, page }),
    storeAccounts(services.db, store.id),
  ]);
  return json({
    list,
    query,
    accounts: accounts.map((a) => ({ id: a.id, displayName: a.displayName })),
    // The Shopify resource picker only exists inside the Shopify admin.
    resourcePicker: embedded && store.platform === "shopify",
  });
}

type FieldErrors = Partial<Record<"marketplaceSku" | "storeSku" | "accountId", MessageKey>>;
type ActionResult =
  | { saved: number; replaced?: string }
  | { deleted: true }
  | { imported: number; rechecked: number }
  | { fieldErrors: FieldErrors }
  | { fileError: MessageKey }
  | { rowErrors: CsvRowError[] };

const saveSchema = z.object({
  accountId: z.string(),
  marketplaceSku: z.string(),
  storeSku: z.string(),
  variantRef: z.string().max(255).optional(),
});

export async function action({ request }: ActionFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  const deps = merchantActionDeps(services);
  let form: FormData;
  try {
    // Room for the file and the form's own fields around it.
    form = await readForm(request, { maxBytes: MAX_IMPORT_BYTES + 4096 });
  } catch (error) {
    if (error instanceof Response && error.status === 413) {
      return json<ActionResult>({ fileError: "csv.too_large" }, { status: 413 });
    }
    throw error;
  }
  const intent = form.get("intent");

  if (intent === "delete") {
    const id = z.uuid().safeParse(form.get("id"));
    if (!id.success || !(await deleteSkuMapping(services.db, store.id, id.data))) {
      throw new Response("Not found", { status: 404 });
    }
    return json<ActionResult>({ deleted: true });
  }

  if (intent === "import") {
    const file = form.get("file");
    if (!(file instanceof Blob) || file.size === 0) {
      return json<ActionResult>({ fileError: "csv.empty" }, { status: 400 });
    }
    if (file.size > MAX_IMPORT_BYTES) {
      return json<ActionResult>({ fileError: "csv.too_large" }, { status: 413 });
    }
    const result = await importSkuMappingsCsv(deps, store.id, await file.text());
    if (result.ok) {
      return json<ActionResult>({ imported: result.saved, rechecked: result.rechecked });
    }
    return "fileError" in result
      ? json<ActionResult>({ fileError: result.fileError }, { status: 400 })
      : json<ActionResult>({ rowErrors: result.rowErrors }, { status: 400 });
  }

  if (intent === "save") {
    const parsed = saveSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) return json({ error: "invalid" }, { status: 400 });
    const input = parsed.data;
    const fieldErrors: FieldErrors = {};
    const marketplaceSku = input.marketplaceSku.trim();
    const storeSku = input.storeSku.trim();
    if (!marketplaceSku) fieldErrors.marketplaceSku = "skuMap.required";
    else if (marketplaceSku.length > MAX_SKU_LENGTH) fieldErrors.marketplaceSku = "skuMap.tooLong";
    if (!storeSku) fieldErrors.storeSku = "skuMap.required";
    else if (storeSku.length > MAX_SKU_LENGTH) fieldErrors.storeSku = "skuMap.tooLong";
    const accountId = input.accountId === ALL_ACCOUNTS ? null : input.accountId;
    if (accountId !== null && !z.uuid().safeParse(accountId).success) {
      fieldErrors.accountId = "skuMap.accountUnknown";
    }
    if (Object.keys(fieldErrors).length > 0) {
      return json<ActionResult>({ fieldErrors }, { status: 400 });
    }
    try {
      const { rechecked, replaced } = await saveSkuMappingForStore(deps, {
        storeId: store.id,
        accountId,
        marketplaceSku,
        storeSku,
        variantRef: input.variantRef || undefined,
      });
      return json<ActionResult>(replaced ? { saved: rechecked, replaced } : { saved: rechecked });
    } catch (error) {
      if (!(error instanceof NotFoundForStore)) throw error;
      return json<ActionResult>(
        { fieldErrors: { accountId: "skuMap.accountUnknown" } },
        { status: 400 },
      );
    }
  }
  return json({ error: "invalid" }, { status: 400 });
}

export default function SkuMappingsPage() {
  const { list, query, accounts, resourcePicker } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | { error: string } | undefined;
  const t = useTranslate();
  const navigation = useNavigation();
  const [params] = useSearchParams();
  const busy = navigation.state !== "idle";
  const accountNames = new Map(accounts.map((a) => [a.id, a.displayName]));

  const pageUrl = (page: number) => {
    const next = new URLSearchParams(params);
    next.set("page", String(page));
    return `?${next.toString()}`;
  };

  return (
    <Page title={t("skuMap.title")} subtitle={t("skuMap.subtitle")}>
      <Layout>
        {result && <Layout.Section>{<ResultBanner result={result} t={t} />}</Layout.Section>}
        <Layout.Section>
          <MappingForm
            key={params.get("sku") ?? ""}
            accounts={accounts}
            resourcePicker={resourcePicker}
            fieldErrors={result && "fieldErrors" in result ? result.fieldErrors : {}}
            busy={busy}
          />
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <Box padding="400">
              <SearchForm query={query} />
            </Box>
            {list.rows.length === 0 ? (
              query ? (
                <Box padding="400">
                  <Text as="p" tone="subdued">
                    {t("skuMap.noMatch")}
                  </Text>
                </Box>
              ) : (
                <EmptyState heading={t("skuMap.empty")} image="">
                  <p>{t("skuMap.emptyHelp")}</p>
                </EmptyState>
              )
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "text"]}
                headings={[
                  t("skuMap.marketplaceSku"),
                  t("skuMap.storeSku"),
                  t("skuMap.account"),
                  "",
                ]}
                rows={list.rows.map((row) => [
                  row.marketplaceSku,
                  row.storeSku,
                  row.accountId
                    ? (accountNames.get(row.accountId) ?? row.accountId)
                    : t("skuMap.allAccounts"),
                  <Form method="post" key={row.id}>
                    <input type="hidden" name="intent" value="delete" />
                    <input type="hidden" name="id" value={row.id} />
                    <Button submit variant="plain" tone="critical" disabled={busy}>
                      {t("skuMap.delete")}
                    </Button>
                  </Form>,
                ])}
              />
            )}
            {(list.page > 1 || list.hasNext) && (
              <Box padding="400">
                <InlineStack align="center">
                  <Pagination
                    hasPrevious={list.page > 1}
                    previousURL={pageUrl(list.page - 1)}
                    previousTooltip={t("skuMap.previous")}
                    hasNext={list.hasNext}
                    nextURL={pageUrl(list.page + 1)}
                    nextTooltip={t("skuMap.next")}
                  />
                </InlineStack>
              </Box>
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <CsvCard busy={busy} />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function SearchForm({ query }: { query: string }) {
  const t = useTranslate();
  const [value, setValue] = useState(query);
  return (
    <Form method="get">
      <InlineStack gap="200" blockAlign="end" wrap={false}>
        <div style={{ flexGrow: 1 }}>
          <TextField
            label={t("skuMap.search")}
            labelHidden
            placeholder={t("skuMap.search")}
            name="q"
            value={value}
            onChange={setValue}
            autoComplete="off"
          />
        </div>
        <Button submit>{t("skuMap.search")}</Button>
      </InlineStack>
    </Form>
  );
}

function ResultBanner({ result, t }: { result: ActionResult | { error: string }; t: Translate }) {
  if ("saved" in result) {
    return (
      <Banner tone="success">
        {t("skuMap.saved", { count: result.saved })}
        {result.replaced ? ` ${t("skuMap.replaced", { storeSku: result.replaced })}` : ""}
      </Banner>
    );
  }
  if ("deleted" in result) return <Banner tone="success">{t("skuMap.deleted")}</Banner>;
  if ("imported" in result) {
    return (
      <Banner tone="success">
        {t("skuMap.imported", { count: result.imported, rechecked: result.rechecked })}
      </Banner>
    );
  }
  if ("fileError" in result) return <Banner tone="critical">{t(result.fileError)}</Banner>;
  if ("rowErrors" in result) {
    return (
      <Banner tone="critical" title={t("skuMap.importFailed")}>
        <List>
          {result.rowErrors.slice(0, 100).map((e, i) => (
            <List.Item key={i}>
              <span data-testid="csv-row-error">
                {t(e.code, { line: e.line, ...(e.params ?? {}) })}
              </span>
            </List.Item>
          ))}
        </List>
      </Banner>
    );
  }
  return null;
}

function MappingForm(props: {
  accounts: { id: string; displayName: string }[];
  resourcePicker: boolean;
  fieldErrors: FieldErrors;
  busy: boolean;
}) {
  const t = useTranslate();
  const [params] = useSearchParams();
  const [marketplaceSku, setMarketplaceSku] = useState(params.get("sku") ?? "");
  const [storeSku, setStoreSku] = useState("");
  const [searchTerm, setSearchTerm] = useState("");
  // An empty search field searches the store SKU typed above, as the button did before names.
  const query = searchTerm.trim() || storeSku.trim();
  const runSearch = () => {
    if (query) search.load(`/app/variants/search?${new URLSearchParams({ q: query })}`);
  };
  const [variantRef, setVariantRef] = useState("");
  const initialAccount = params.get("accountId");
  const [accountId, setAccountId] = useState(
    initialAccount && props.accounts.some((a) => a.id === initialAccount)
      ? initialAccount
      : ALL_ACCOUNTS,
  );
  const search = useFetcher<VariantSearchResult>();
  const error = (field: keyof FieldErrors) => {
    const key = props.fieldErrors[field];
    return key ? t(key, { max: MAX_SKU_LENGTH }) : undefined;
  };
  const chooseVariant = (variant: { sku: string; ref: string }) => {
    setStoreSku(variant.sku);
    setVariantRef(variant.ref);
  };

  return (
    <Card>
      <Form method="post">
        <input type="hidden" name="intent" value="save" />
        <input type="hidden" name="variantRef" value={variantRef} />
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            {t("skuMap.add")}
          </Text>
          <Select
            label={t("skuMap.account")}
            name="accountId"
            options={[
              { label: t("skuMap.allAccounts"), value: ALL_ACCOUNTS },
              ...props.accounts.map((a) => ({ label: a.displayName, value: a.id })),
            ]}
            value={accountId}
            onChange={setAccountId}
            {...optional("error", error("accountId"))}
          />
          <TextField
            label={t("skuMap.marketplaceSku")}
            name="marketplaceSku"
            value={marketplaceSku}
            onChange={setMarketplaceSku}
            autoComplete="off"
            {...optional("error", error("marketplaceSku"))}
          />
          <TextField
            label={t("skuMap.storeSku")}
            name="storeSku"
            value={storeSku}
            onChange={(value) => {
              setStoreSku(value);
              setVariantRef("");
            }}
            autoComplete="off"
            {...optional("error", error("storeSku"))}
            {...optional(
              "connectedRight",
              props.resourcePicker ? <ResourcePickerButton onPick={chooseVariant} /> : undefined,
            )}
          />
          {!props.resourcePicker && (
            <div
              onKeyDown={(event) => {
                // Enter searches instead of submitting the mapping form half-filled.
                if (event.key === "Enter" && event.target instanceof HTMLInputElement) {
                  event.preventDefault();
                  runSearch();
                }
              }}
            >
              <TextField
                label={t("skuMap.variantSearch")}
                helpText={t("skuMap.variantSearchHelp")}
                value={searchTerm}
                onChange={setSearchTerm}
                autoComplete="off"
                connectedRight={
                  <Button disabled={!query} loading={search.state !== "idle"} onClick={runSearch}>
                    {t("skuMap.findVariant")}
                  </Button>
                }
              />
            </div>
          )}
          {search.data && <VariantMatches result={search.data} onUse={chooseVariant} />}
          <InlineStack>
            <Button submit variant="primary" disabled={props.busy}>
              {t("skuMap.save")}
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
    </Card>
  );
}

/** Polaris props are exact: an absent error is no prop at all, not `undefined`. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function VariantMatches({
  result,
  onUse,
}: {
  result: VariantSearchResult;
  onUse: (variant: { sku: string; ref: string }) => void;
}) {
  const t = useTranslate();
  if ("error" in result) return <Banner tone="warning">{t("skuMap.variantError")}</Banner>;
  if (result.variants.length === 0) {
    return (
      <Text as="p" tone="subdued">
        {t("skuMap.noVariant", { q: result.q })}
      </Text>
    );
  }
  return (
    <BlockStack gap="100">
      <Text as="p" fontWeight="semibold">
        {t("skuMap.variantsFound", { q: result.q })}
      </Text>
      {result.variants.map((v) => (
        <InlineStack key={v.ref} gap="200" blockAlign="center">
          <Text as="span">
            {v.title} · {v.sku}
          </Text>
          <Text as="span" tone="subdued">
            {v.inventoryQuantity === null
              ? t("skuMap.stockUntracked")
              : t("skuMap.stock", { count: v.inventoryQuantity })}
          </Text>
          <Button size="slim" onClick={() => onUse(v)}>
            {t("skuMap.useVariant")}
          </Button>
        </InlineStack>
      ))}
    </BlockStack>
  );
}

function ResourcePickerButton({
  onPick,
}: {
  onPick: (variant: { sku: string; ref: string }) => void;
}) {
  const t = useTranslate();
  const shopify = useAppBridge();
  return (
    <Button
      onClick={async () => {
        const picked = await shopify.resourcePicker({ type: "variant", multiple: false });
        const variant = picked?.[0] as { id?: string; sku?: string | null } | undefined;
        if (variant?.id && variant.sku) onPick({ ref: variant.id, sku: variant.sku });
      }}
    >
      {t("skuMap.pickVariant")}
    </Button>
  );
}

function CsvCard({ busy }: { busy: boolean }) {
  const t = useTranslate();
  const [exporting, setExporting] = useState(false);
  const [exportFailed, setExportFailed] = useState(false);
  // A download through fetch: inside the Shopify admin, App Bridge adds the session token to
  // fetch calls, which a plain link would not carry. A mappings file is small: held in memory.
  const exportCsv = async () => {
    setExporting(true);
    setExportFailed(false);
    try {
      const response = await fetch("/app/sku-mappings-export");
      if (!response.ok) throw new Error(`export answered ${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = "sku-mappings.csv";
      // Some browsers ignore a click on a detached link, or cancel a download whose URL is
      // revoked at once.
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      setExportFailed(true);
    } finally {
      setExporting(false);
    }
  };
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("skuMap.csvTitle")}
        </Text>
        <Text as="p" tone="subdued">
          {t("skuMap.csvHelp")}
        </Text>
        {exportFailed && (
          <Banner tone="critical" onDismiss={() => setExportFailed(false)}>
            <p>{t("skuMap.exportFailed")}</p>
          </Banner>
        )}
        <Form method="post" encType="multipart/form-data">
          <input type="hidden" name="intent" value="import" />
          <InlineStack gap="200" blockAlign="center">
            <label>
              <Text as="span" visuallyHidden>
                {t("skuMap.importFile")}
              </Text>
              <input type="file" name="file" accept=".csv,text/csv" required />
            </label>
            <Button submit disabled={busy}>
              {t("skuMap.import")}
            </Button>
            <Button onClick={exportCsv} loading={exporting}>
              {t("skuMap.export")}
            </Button>
          </InlineStack>
        </Form>
      </BlockStack>
    </Card>
  );
}
