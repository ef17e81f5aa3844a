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
import { CHART_DAYS, type DailyCounts, loadDashboardStats } from "../../db/dashboard-stats";
import { requireAdmin } from "../auth.server";
import { formatDateTime } from "../i18n/format-date-time";
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

  return (
    <Page
      title={t("dashboard.title")}
      subtitle={storeName}
      secondaryActions={[{ content: t("dashboard.alertSettings"), url: "/app/alerts" }]}
    >
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
        <Layout.Section>
          <DailyChart daily={stats.daily} />
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
                                date: formatDateTime(locale, account.lastImportAt),
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

const CHART = { width: 640, height: 156, top: 12, left: 8, right: 8 };
/** Days between two date labels: five dates of two weeks fit a 375 px phone without touching. */
const LABEL_EVERY = 3;
const SERIES = [
  { key: "imported", label: "dashboard.chartImported", color: "var(--p-color-bg-fill-info)" },
  { key: "confirmed", label: "dashboard.chartConfirmed", color: "var(--p-color-bg-fill-success)" },
] as const;

/**
 * Orders imported and tracking confirmed per day, as paired bars. Plain SVG (Polaris has no
 * chart) stretched to the card's width at a fixed height; the dates under it are HTML text at the
 * admin's own size, since text inside a scaled SVG shrank to a few pixels on a phone. The same
 * figures are in a table for screen readers.
 */
function DailyChart({ daily }: { daily: DailyCounts[] }) {
  const t = useTranslate();
  const locale = useLocale();
  const number = new Intl.NumberFormat(locale);
  const dayLabel = new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
  const label = (day: string) => dayLabel.format(new Date(`${day}T00:00:00Z`));
  const max = Math.max(1, ...daily.flatMap((d) => [d.imported, d.confirmed]));
  const plotHeight = CHART.height - CHART.top;
  const slot = (CHART.width - CHART.left - CHART.right) / daily.length;
  const bar = Math.max(2, (slot - 6) / 2);
  const empty = daily.every((d) => d.imported === 0 && d.confirmed === 0);
  // Counted from today backwards, so the latest day always has its date.
  const labelled = daily
    .map((d, i) => ({ day: d.day, i }))
    .filter(({ i }) => (daily.length - 1 - i) % LABEL_EVERY === 0);
  const percent = (x: number) => `${(x / CHART.width) * 100}%`;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h2" variant="headingMd">
            {t("dashboard.chartTitle", { days: CHART_DAYS })}
          </Text>
          <InlineStack gap="300">
            {SERIES.map((series) => (
              <InlineStack key={series.key} gap="100" blockAlign="center">
                <svg width="12" height="12" aria-hidden="true">
                  <rect width="12" height="12" rx="2" fill={series.color} />
                </svg>
                <Text as="span" tone="subdued">
                  {t(series.label)}
                </Text>
              </InlineStack>
            ))}
          </InlineStack>
        </InlineStack>
        {empty ? (
          <Text as="p" tone="subdued">
            {t("dashboard.chartEmpty", { days: CHART_DAYS })}
          </Text>
        ) : (
          <div data-testid="daily-chart" aria-hidden="true">
            <svg
              viewBox={`0 0 ${CHART.width} ${CHART.height}`}
              width="100%"
              height={CHART.height}
              preserveAspectRatio="none"
              role="img"
              style={{ display: "block" }}
            >
              <line
                x1={CHART.left}
                x2={CHART.width - CHART.right}
                y1={CHART.height - 0.5}
                y2={CHART.height - 0.5}
                stroke="var(--p-color-border)"
                vectorEffect="non-scaling-stroke"
              />
              {daily.map((d, i) => {
                const x = CHART.left + i * slot + (slot - 2 * bar) / 2;
                return (
                  <g key={d.day}>
                    {SERIES.map((series, j) => {
                      const h = (d[series.key] / max) * plotHeight;
                      return (
                        <rect
                          key={series.key}
                          x={x + j * bar}
                          y={CHART.height - h}
                          width={bar - 1}
                          height={h}
                          fill={series.color}
                        >
                          <title>{`${label(d.day)} · ${t(series.label)}: ${number.format(d[series.key])}`}</title>
                        </rect>
                      );
                    })}
                  </g>
                );
              })}
            </svg>
            <div style={{ position: "relative", height: "1.5rem", marginTop: "0.25rem" }}>
              {labelled.map(({ day, i }) => {
                const last = i === daily.length - 1;
                // The last date ends at the plot's right edge instead of overflowing the card.
                const style: React.CSSProperties = last
                  ? { right: percent(CHART.right) }
                  : { left: percent(CHART.left + (i + 0.5) * slot), transform: "translateX(-50%)" };
                return (
                  <span
                    key={day}
                    data-testid="chart-day-label"
                    style={{ position: "absolute", top: 0, whiteSpace: "nowrap", ...style }}
                  >
                    <Text as="span" variant="bodySm" tone="subdued">
                      {label(day)}
                    </Text>
                  </span>
                );
              })}
            </div>
          </div>
        )}
        <Text as="span" visuallyHidden>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("dashboard.chartDay")}</th>
                {SERIES.map((series) => (
                  <th key={series.key} scope="col">
                    {t(series.label)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {daily.map((d) => (
                <tr key={d.day} data-testid={`chart-day-${d.day}`}>
                  <th scope="row">{label(d.day)}</th>
                  <td>{number.format(d.imported)}</td>
                  <td>{number.format(d.confirmed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Text>
      </BlockStack>
    </Card>
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
