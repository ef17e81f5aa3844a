import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { z } from "zod";
import {
  loadStoreAccountSettings,
  parseSettingsForm,
  type SettingsField,
  type OverrideRowError,
  type SettingsFieldErrors,
  settingsFormValues,
} from "../account-settings-form.server";
import { AdminPageErrorBoundary } from "../admin-error-boundary";
import { requireAdmin } from "../auth.server";
import type { MessageKey } from "../i18n/messages";
import { useTranslate } from "../i18n/use-translate";
import {
  merchantActionDeps,
  NotFoundForStore,
  updateAccountSettings,
} from "../merchant-actions.server";
import { CALENDAR_DAY_MAX, CALENDAR_DAY_MIN } from "../../db/calendar-day";
import { readForm } from "../read-form.server";

export const ErrorBoundary = AdminPageErrorBoundary;

const notFound = () => new Response("Not found", { status: 404 });

async function accountOf(request: Request, accountIdParam: string | undefined) {
  const admin = await requireAdmin(request);
  const accountId = z.uuid().safeParse(accountIdParam);
  if (!accountId.success) throw notFound();
  const account = await loadStoreAccountSettings(admin.services.db, admin.store.id, accountId.data);
  if (!account) throw notFound();
  return { ...admin, account };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { account } = await accountOf(request, params.accountId);
  return json({
    account: { id: account.id, displayName: account.displayName, platform: account.platform },
    values: settingsFormValues(account.settings),
  });
}

type ActionResult =
  | { saved: number }
  | { fieldErrors: SettingsFieldErrors; overrideRowErrors?: Record<string, OverrideRowError> };

export async function action({ request, params }: ActionFunctionArgs) {
  const { services, store, account } = await accountOf(request, params.accountId);
  const parsed = parseSettingsForm(await readForm(request));
  if (!parsed.ok) {
    const { fieldErrors, overrideRowErrors } = parsed;
    return json<ActionResult>(
      overrideRowErrors ? { fieldErrors, overrideRowErrors } : { fieldErrors },
      { status: 400 },
    );
  }
  try {
    const { rechecked } = await updateAccountSettings(merchantActionDeps(services), {
      storeId: store.id,
      accountId: account.id,
      settings: parsed.settings,
    });
    return json<ActionResult>({ saved: rechecked });
  } catch (error) {
    if (error instanceof NotFoundForStore) throw notFound();
    throw error;
  }
}

const CHOICES = {
  marketplaceFulfilled: ["skip", "import_as_fulfilled"],
  stockPolicy: ["block", "allow", "ignore"],
  currencyPolicy: ["store_currencies_only", "marketplace_currency"],
  marketplaceTax: ["record", "leave_out"],
  buyerEmail: ["relay", "omit", "fixed"],
  orderName: ["store_numbering", "marketplace_id"],
} as const;

export default function AccountSettingsPage() {
  const { account, values } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const t = useTranslate();
  const errors: SettingsFieldErrors = result && "fieldErrors" in result ? result.fieldErrors : {};
  const rowErrors =
    (result && "overrideRowErrors" in result ? result.overrideRowErrors : undefined) ?? {};
  const error = (field: SettingsField) => {
    const key = errors[field];
    return key ? { error: t(key) } : {};
  };

  const [importFrom, setImportFrom] = useState(values.importFromDay);
  const [poll, setPoll] = useState(values.pollIntervalMinutes?.toString() ?? "");
  const [choices, setChoices] = useState<Record<keyof typeof CHOICES, string>>({
    marketplaceFulfilled: values.marketplaceFulfilled,
    stockPolicy: values.stockPolicy,
    currencyPolicy: values.currencyPolicy,
    marketplaceTax: values.marketplaceTax,
    buyerEmail: values.buyerEmail,
    orderName: values.orderName,
  });
  const [fixedEmail, setFixedEmail] = useState(values.fixedEmail ?? "");
  const [tags, setTags] = useState(values.tags.join(", "));
  const [decrement, setDecrement] = useState(values.inventory.decrement);
  const [locationId, setLocationId] = useState(values.inventory.locationId ?? "");
  const [flags, setFlags] = useState({
    restockOnCancel: values.restockOnCancel,
    trackingSync: values.trackingSync,
    cancelOnMarketplace: values.cancelOnMarketplace,
  });

  const choice = (field: keyof typeof CHOICES) => (
    <Select
      label={t(`settings.${field}`)}
      name={field}
      options={CHOICES[field].map((value) => ({
        value,
        label: t(`settings.${field}.${value}` as MessageKey),
      }))}
      value={choices[field]}
      onChange={(value) => setChoices((c) => ({ ...c, [field]: value }))}
      {...error(field)}
    />
  );
  const flag = (field: keyof typeof flags, helpText?: string) => (
    <Checkbox
      label={t(`settings.${field}`)}
      name={field}
      checked={flags[field]}
      onChange={(value) => setFlags((f) => ({ ...f, [field]: value }))}
      {...(helpText ? { helpText } : {})}
    />
  );

  return (
    <Page
      backAction={{ content: t("settings.back"), url: "/app/accounts" }}
      title={t("settings.title", { account: account.displayName })}
    >
      <Form method="post">
        <Layout>
          {result && (
            <Layout.Section>
              {"saved" in result ? (
                <Banner tone="success">{t("settings.saved", { count: result.saved })}</Banner>
              ) : (
                <Banner tone="critical">{t("settings.invalid")}</Banner>
              )}
            </Layout.Section>
          )}
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {t("settings.import")}
                  </Text>
                  <TextField
                    label={t("settings.importFrom")}
                    type="date"
                    min={CALENDAR_DAY_MIN}
                    max={CALENDAR_DAY_MAX}
                    name="importFrom"
                    value={importFrom}
                    onChange={setImportFrom}
                    helpText={t("settings.importFromHelp")}
                    autoComplete="off"
                    {...error("importFrom")}
                  />
                  <TextField
                    label={t("settings.pollInterval")}
                    type="number"
                    name="pollIntervalMinutes"
                    min={1}
                    max={1440}
                    value={poll}
                    onChange={setPoll}
                    helpText={t("settings.pollIntervalHelp")}
                    autoComplete="off"
                    {...error("pollIntervalMinutes")}
                  />
                  {choice("marketplaceFulfilled")}
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {t("settings.checks")}
                  </Text>
                  {choice("stockPolicy")}
                  {choice("currencyPolicy")}
                  <Text as="p" tone="subdued">
                    {t("settings.currencyHelp")}
                  </Text>
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {t("settings.orders")}
                  </Text>
                  {choice("marketplaceTax")}
                  {choice("buyerEmail")}
                  {choices.buyerEmail === "fixed" && (
                    <TextField
                      label={t("settings.fixedEmail")}
                      type="email"
                      name="fixedEmail"
                      value={fixedEmail}
                      onChange={setFixedEmail}
                      autoComplete="email"
                      {...error("fixedEmail")}
                    />
                  )}
                  {choice("orderName")}
                  <TextField
                    label={t("settings.tags")}
                    name="tags"
                    value={tags}
                    onChange={setTags}
                    helpText={t("settings.tagsHelp")}
                    autoComplete="off"
                    {...error("tags")}
                  />
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {t("settings.inventory")}
                  </Text>
                  <Checkbox
                    label={t("settings.inventoryDecrement")}
                    name="inventoryDecrement"
                    checked={decrement}
                    onChange={setDecrement}
                  />
                  <TextField
                    label={t("settings.inventoryLocationId")}
                    name="inventoryLocationId"
                    value={locationId}
                    onChange={setLocationId}
                    helpText={t("settings.inventoryLocationHelp")}
                    autoComplete="off"
                    {...error("inventoryLocationId")}
                  />
                  {flag("restockOnCancel")}
                </FormLayout>
              </Card>
              <Card>
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {t("settings.tracking")}
                  </Text>
                  {flag("trackingSync", t("settings.trackingSyncHelp"))}
                  {flag("cancelOnMarketplace")}
                </FormLayout>
              </Card>
              <CarrierOverridesCard
                initial={values.carrierOverrides}
                error={errors.carrierOverrides ? t(errors.carrierOverrides) : undefined}
                rowErrors={rowErrors}
              />
              <InlineStack align="end">
                <Button submit variant="primary" loading={navigation.state === "submitting"}>
                  {t("settings.save")}
                </Button>
              </InlineStack>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </Form>
    </Page>
  );
}

function CarrierOverridesCard({
  initial,
  error,
  rowErrors,
}: {
  initial: Record<string, string>;
  error: string | undefined;
  /** By the row's `key`, which the form sends as `overrideRow`. */
  rowErrors: Record<string, OverrideRowError>;
}) {
  const t = useTranslate();
  const [rows, setRows] = useState(() =>
    Object.entries(initial).map(([carrier, code], i) => ({ key: i, carrier, code })),
  );
  const [nextKey, setNextKey] = useState(rows.length);
  const update = (key: number, patch: Partial<{ carrier: string; code: string }>) =>
    setRows((all) => all.map((row) => (row.key === key ? { ...row, ...patch } : row)));

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("settings.carrierOverrides")}
        </Text>
        <Text as="p" tone="subdued">
          {t("settings.carrierOverridesHelp")}
        </Text>
        {error && <Banner tone="critical">{error}</Banner>}
        {rows.length === 0 && (
          <Text as="p" tone="subdued">
            {t("settings.noOverrides")}
          </Text>
        )}
        {rows.map((row) => {
          const rowError = rowErrors[String(row.key)];
          const onCode = rowError === "settings.error.override.codeMissing";
          return (
            <InlineStack key={row.key} gap="200" blockAlign="end" wrap>
              <input type="hidden" name="overrideRow" value={row.key} />
              <TextField
                label={t("settings.storeCarrier")}
                name="overrideCarrier"
                value={row.carrier}
                onChange={(carrier) => update(row.key, { carrier })}
                autoComplete="off"
                {...(rowError && !onCode ? { error: t(rowError) } : {})}
              />
              <TextField
                label={t("settings.carrierCode")}
                name="overrideCode"
                value={row.code}
                onChange={(code) => update(row.key, { code })}
                autoComplete="off"
                {...(rowError && onCode ? { error: t(rowError) } : {})}
              />
              <Button
                tone="critical"
                variant="plain"
                onClick={() => setRows((all) => all.filter((r) => r.key !== row.key))}
              >
                {t("settings.removeOverride")}
              </Button>
            </InlineStack>
          );
        })}
        <InlineStack>
          <Button
            onClick={() => {
              setRows((all) => [...all, { key: nextKey, carrier: "", code: "" }]);
              setNextKey((k) => k + 1);
            }}
          >
            {t("settings.addOverride")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
