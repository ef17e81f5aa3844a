import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Card,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
} from "@shopify/polaris";
import { loadDashboardStats } from "../../db/dashboard-stats";
import { requireAdmin } from "../auth.server";
import { useLocale, useTranslate } from "../i18n/use-translate";

export async function loader({ request }: LoaderFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  const stats = await loadDashboardStats(services.db, store.id);
  return json({ stats, storeName: store.name ?? store.externalId });
}

const STATE_TONES = {
  held: "warning",
  failed: "critical",
  imported: "success",
} as const;

export default function Dashboard() {
  const { stats, storeName } = useLoaderData<typeof loader>();
  const t = useTranslate();
  const locale = useLocale();
  const number = new Intl.NumberFormat(locale);
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });

  return (
    <Page title={t("dashboard.title")} subtitle={storeName}>
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
            <Metric
              testId="metric-total"
              label={t("dashboard.orders")}
              value={number.format(stats.totalOrders)}
            />
            <Metric
              testId="metric-held"
              label={t("dashboard.held")}
              value={number.format(stats.ordersByState.held)}
            />
            <Metric
              testId="metric-failed-pushes"
              label={t("dashboard.failedPushes")}
              value={number.format(stats.failedPushes)}
            />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                {t("dashboard.byState")}
              </Text>
              {Object.entries(stats.ordersByState).map(([state, n]) => (
                <InlineStack key={state} align="space-between">
                  <Badge tone={STATE_TONES[state as keyof typeof STATE_TONES]}>
                    {t(`state.${state as keyof typeof stats.ordersByState}`)}
                  </Badge>
                  <Text as="span" numeric>
                    <span data-testid={`state-count-${state}`}>{number.format(n)}</span>
                  </Text>
                </InlineStack>
              ))}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("dashboard.byMarketplace")}
                </Text>
                {Object.entries(stats.ordersByMarketplace).map(([marketplace, n]) => (
                  <InlineStack key={marketplace} align="space-between">
                    <Text as="span">
                      {t(`marketplace.${marketplace as keyof typeof stats.ordersByMarketplace}`)}
                    </Text>
                    <Text as="span" numeric>
                      {number.format(n)}
                    </Text>
                  </InlineStack>
                ))}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {t("dashboard.accounts")}
                </Text>
                {stats.accounts.length === 0 ? (
                  <BlockStack gap="100">
                    <Text as="p" fontWeight="semibold">
                      {t("dashboard.noAccounts")}
                    </Text>
                    <Text as="p" tone="subdued">
                      {t("dashboard.noAccountsHelp")}
                    </Text>
                  </BlockStack>
                ) : (
                  stats.accounts.map((account) => (
                    <InlineStack
                      key={account.id}
                      align="space-between"
                      blockAlign="center"
                      gap="200"
                    >
                      <BlockStack gap="100">
                        <Text as="span" fontWeight="semibold">
                          {account.displayName} · {t(`marketplace.${account.platform}`)}
                        </Text>
                        <Text as="span" tone="subdued">
                          {account.lastImportAt
                            ? t("dashboard.lastImport", {
                                date: dateTime.format(new Date(account.lastImportAt)),
                              })
                            : t("dashboard.neverImported")}
                        </Text>
                      </BlockStack>
                      <Badge tone={account.status === "active" ? "success" : "attention"}>
                        {t(`account.${account.status}`)}
                      </Badge>
                    </InlineStack>
                  ))
                )}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Metric({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl" numeric>
          <span data-testid={testId}>{value}</span>
        </Text>
      </BlockStack>
    </Card>
  );
}
