import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  ChoiceList,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";
import { and, eq } from "drizzle-orm";
import { useState } from "react";
import { z } from "zod";
import { marketplaceAccounts } from "../../db/schema";
import {
  AMAZON_MARKETPLACES,
  type AmazonRegion,
  amazonSelection,
} from "../../jobs/accounts/amazon-marketplaces";
import type { ConnectProblem } from "../../jobs/accounts/grant";
import { AdminPageErrorBoundary } from "../admin-error-boundary";
import { requireAdmin } from "../auth.server";
import { useLocale, useTranslate } from "../i18n/use-translate";
import {
  amazonConsentUrl,
  completeConnection,
  ConnectFailed,
  ebayConsentUrl,
  embeddedAdminPath,
} from "../marketplace-accounts.server";
import { signOAuthState, verifyOAuthState } from "../oauth-state.server";
import type { Services } from "../services.server";

/**
 * Connecting (or reconnecting, `?account=`) an eBay or Amazon account. Without `state` the page
 * prepares the consent: a fresh signed state and the marketplace's consent URL (Amazon asks for the
 * marketplaces first). With `state` it is the seller coming back (through /connect/:platform/callback):
 * the state must be this store's, then the code is exchanged and the grant saved.
 */

const PLATFORMS = ["ebay", "amazon"] as const;
type Platform = (typeof PLATFORMS)[number];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { services, store } = await requireAdmin(request);
  const platform = PLATFORMS.find((p) => p === params.platform);
  if (!platform) throw new Response(null, { status: 404 });
  const url = new URL(request.url);
  if (!consentConfigured(services, platform)) {
    return json({ mode: "unavailable" as const, platform });
  }
  if (url.searchParams.has("state")) return finish(services, store.id, platform, request);
  return prepare(services, store.id, platform, url);
}

/** A fresh signed state and the consent URL, once the marketplaces (Amazon) are known. */
async function prepare(services: Services, storeId: string, platform: Platform, url: URL) {
  const reconnectId = url.searchParams.get("account");
  const account = reconnectId
    ? await accountOfStore(services, storeId, platform, reconnectId)
    : undefined;
  if (reconnectId && !account) throw new Response(null, { status: 404 });
  const reconnect = account
    ? { displayName: account.displayName, sellerId: account.sellerId }
    : null;

  let consentUrl: string | null = null;
  let chosen: string[] = url.searchParams.getAll("marketplace");
  let selectionError = false;
  if (platform === "ebay") {
    const state = signOAuthState(services.keyring, {
      platform,
      storeId,
      reconnectAccountId: account?.id,
    });
    consentUrl = ebayConsentUrl(
      { appId: services.apps.ebay!.appId, ruName: services.config.consent.ebay!.ruName },
      state,
      services.endpoints.ebay,
    );
  } else {
    if (account) chosen = account.marketplaceIds;
    const selection = amazonSelection(chosen);
    selectionError = chosen.length > 0 && !selection;
    if (selection) {
      const state = signOAuthState(services.keyring, {
        platform,
        storeId,
        reconnectAccountId: account?.id,
        region: selection.region,
        marketplaceIds: selection.marketplaces.map((m) => m.id),
      });
      consentUrl = amazonConsentUrl(
        services.config.consent.amazon!,
        selection.marketplaces[0]!,
        state,
        services.endpoints.amazon,
      );
    }
  }
  return json(
    {
      mode: "start" as const,
      platform,
      consentUrl,
      reconnect,
      accountId: account?.id ?? null,
      chosen,
      selectionError,
    },
    // Each visit signs a new state: never serve one from a cache.
    { headers: { "cache-control": "no-store" } },
  );
}

async function finish(services: Services, storeId: string, platform: Platform, request: Request) {
  const url = new URL(request.url);
  const failed = (problem: ConnectProblem, params: Record<string, string> = {}) =>
    json({ mode: "failed" as const, platform, problem, params }, { status: 400 });
  const verified = verifyOAuthState(services.keyring, url.searchParams.get("state"), {
    platform,
    storeId,
  });
  if (!verified.ok) {
    return failed(
      verified.problem === "expired"
        ? "state_expired"
        : verified.problem === "other_store"
          ? "other_store"
          : "state_invalid",
    );
  }
  try {
    const done = await completeConnection(
      {
        db: services.db,
        keyring: services.keyring,
        jobs: services.jobs,
        logger: services.logger,
        apps: {
          ebay:
            services.apps.ebay && services.config.consent.ebay
              ? { ...services.apps.ebay, ruName: services.config.consent.ebay.ruName }
              : undefined,
          amazon:
            services.apps.amazon && services.config.consent.amazon
              ? {
                  ...services.apps.amazon,
                  applicationId: services.config.consent.amazon.applicationId,
                }
              : undefined,
          endpoints: services.endpoints,
          amazonRedirectUri: `${services.publicUrl ?? url.origin}/connect/amazon/callback`,
        },
      },
      verified.state,
      url.searchParams,
    );
    services.logger.info(
      { storeId, platform, accountId: done.accountId, reconnected: done.reconnected },
      "marketplace account connected",
    );
    return redirect(
      // The one-time code and state stay behind.
      embeddedAdminPath(url, "/app/accounts", {
        connected: done.accountId,
        ...(done.reconnected ? { reconnected: "1" } : {}),
      }),
    );
  } catch (error) {
    if (error instanceof ConnectFailed) return failed(error.problem, error.params);
    throw error;
  }
}

function consentConfigured(services: Services, platform: Platform): boolean {
  return platform === "ebay"
    ? Boolean(services.apps.ebay && services.config.consent.ebay)
    : Boolean(services.apps.amazon && services.config.consent.amazon);
}

async function accountOfStore(
  services: Services,
  storeId: string,
  platform: Platform,
  accountId: string,
) {
  if (!z.uuid().safeParse(accountId).success) return undefined;
  const [account] = await services.db
    .select({
      id: marketplaceAccounts.id,
      displayName: marketplaceAccounts.displayName,
      sellerId: marketplaceAccounts.sellerId,
      marketplaceIds: marketplaceAccounts.marketplaceIds,
    })
    .from(marketplaceAccounts)
    .where(
      and(
        eq(marketplaceAccounts.id, accountId),
        eq(marketplaceAccounts.storeId, storeId),
        eq(marketplaceAccounts.platform, platform),
      ),
    );
  return account;
}

const PLATFORM_LABELS = { ebay: "eBay", amazon: "Amazon" } as const;

export default function ConnectAccount() {
  const data = useLoaderData<typeof loader>();
  const t = useTranslate();
  const platform = PLATFORM_LABELS[data.platform];
  const back = { content: t("connect.backToAccounts"), url: "/app/accounts" };

  if (data.mode === "unavailable") {
    return (
      <Page
        backAction={back}
        title={t(data.platform === "ebay" ? "connect.ebayTitle" : "connect.amazonTitle")}
      >
        <Banner tone="warning">
          <p>{t("connect.unavailable", { platform })}</p>
        </Banner>
      </Page>
    );
  }
  if (data.mode === "failed") {
    return (
      <Page backAction={back} title={t("connect.failedTitle")}>
        <Banner tone="critical" title={t("connect.failedTitle")}>
          <p data-problem={data.problem}>
            {t(`connect.problem.${data.problem}`, { platform, ...data.params })}
          </p>
        </Banner>
        <Box>
          <InlineStack gap="200">
            <Button url={`/app/accounts/connect/${data.platform}`}>{t("connect.tryAgain")}</Button>
            <Button variant="plain" url="/app/accounts">
              {t("connect.backToAccounts")}
            </Button>
          </InlineStack>
        </Box>
      </Page>
    );
  }
  const title = data.reconnect
    ? t("connect.reconnectTitle", { name: data.reconnect.displayName })
    : t(data.platform === "ebay" ? "connect.ebayTitle" : "connect.amazonTitle");
  return (
    <Page backAction={back} title={title}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="p">
                {data.reconnect
                  ? t("connect.reconnectBody", { platform, sellerId: data.reconnect.sellerId })
                  : t(data.platform === "ebay" ? "connect.ebayBody" : "connect.amazonBody")}
              </Text>
              {data.platform === "amazon" && !data.reconnect && (
                <AmazonMarketplacePicker chosen={data.chosen} error={data.selectionError} />
              )}
              {data.consentUrl && (
                <InlineStack>
                  {/* eBay and Seller Central refuse to be framed: leave the admin for the consent. */}
                  <Button variant="primary" url={data.consentUrl} target="_top">
                    {t(
                      data.platform === "ebay" ? "connect.ebayContinue" : "connect.amazonContinue",
                    )}
                  </Button>
                </InlineStack>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function AmazonMarketplacePicker({ chosen, error }: { chosen: string[]; error: boolean }) {
  const t = useTranslate();
  const locale = useLocale();
  const countries = new Intl.DisplayNames([locale], { type: "region" });
  const initialRegion =
    AMAZON_MARKETPLACES.find((m) => m.id === chosen[0])?.region ?? ("na" as AmazonRegion);
  const [region, setRegion] = useState<AmazonRegion>(initialRegion);
  const [selected, setSelected] = useState<string[]>(chosen);
  const inRegion = AMAZON_MARKETPLACES.filter((m) => m.region === region);
  return (
    <Form method="get">
      <BlockStack gap="300">
        <Select
          label={t("connect.amazonRegion")}
          name="region"
          value={region}
          onChange={(value) => {
            setRegion(value as AmazonRegion);
            setSelected([]);
          }}
          options={(["na", "eu", "fe"] as const).map((r) => ({
            value: r,
            label: t(`connect.region.${r}`),
          }))}
        />
        <ChoiceList
          allowMultiple
          title={t("connect.amazonMarketplaces")}
          name="marketplace-choice"
          selected={selected}
          onChange={setSelected}
          choices={inRegion.map((m) => ({
            value: m.id,
            label: `${countries.of(m.country) ?? m.country} (${m.id})`,
          }))}
          {...(error ? { error: t("connect.amazonSelectionError") } : {})}
        />
        {/* The ids the loader reads, whatever names the checkboxes carry. */}
        {selected.map((id) => (
          <input key={id} type="hidden" name="marketplace" value={id} />
        ))}
        <InlineStack>
          <Button submit disabled={selected.length === 0}>
            {t("connect.amazonChoose")}
          </Button>
        </InlineStack>
      </BlockStack>
    </Form>
  );
}

export const ErrorBoundary = AdminPageErrorBoundary;

/** The layout's headers, plus the loader's (no caching of a page holding a signed state). */
export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
