/** @jsxImportSource preact */
import { useEffect, useState } from "preact/hooks";
import {
  appLink,
  type BlockLoad,
  type BlockOrder,
  loadBlockOrder,
  trackingTone,
} from "./order-status";
import { shopifyApi } from "./shopify-api";

type Translate = ReturnType<typeof shopifyApi>["i18n"]["translate"];

/** The block on a Shopify order: the marketplace order it came from and its tracking sync. */
export function OrderBlock() {
  const api = shopifyApi();
  const t = api.i18n.translate;
  const orderGid = api.data.selected[0]?.id;
  const [load, setLoad] = useState<BlockLoad | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    setLoad(undefined);
    void loadBlockOrder(
      {
        idToken: () => api.auth.idToken(),
        baseUrl: "",
        // Each locale file names its own language: the app answers reasons in it.
        locale: t("locale"),
        fetch: (input, init) => fetch(input, init),
      },
      orderGid,
    ).then((result) => {
      if (current) setLoad(result);
    });
    return () => {
      current = false;
    };
  }, [orderGid, attempt]);

  if (!load) {
    return (
      <s-admin-block heading={t("heading")}>
        <s-stack direction="inline" gap="small-200" alignItems="center">
          <s-spinner accessibilityLabel={t("loading")} />
          <s-text color="subdued">{t("loading")}</s-text>
        </s-stack>
      </s-admin-block>
    );
  }
  if (load.kind === "not_ours") {
    return (
      <s-admin-block heading={t("heading")} collapsedSummary={t("notOurs")}>
        <s-text color="subdued">{t("notOurs")}</s-text>
      </s-admin-block>
    );
  }
  if (load.kind === "unavailable") {
    return (
      <s-admin-block heading={t("heading")}>
        <s-banner tone="warning">
          <s-paragraph>{t("unavailable")}</s-paragraph>
          <s-button slot="secondary-actions" onClick={() => setAttempt((n) => n + 1)}>
            {t("retry")}
          </s-button>
        </s-banner>
      </s-admin-block>
    );
  }
  return <FoundOrder order={load.order} t={t} />;
}

function FoundOrder({ order, t }: { order: BlockOrder; t: Translate }) {
  const marketplace = t(`marketplaces.${order.marketplace}`);
  const tracking = t(`trackingStates.${order.trackingState}`);
  return (
    <s-admin-block
      heading={t("heading")}
      collapsedSummary={t("summary", { marketplace, orderId: order.marketplaceOrderId, tracking })}
    >
      <s-stack gap="base">
        <s-grid gridTemplateColumns="1fr 2fr" gap="small-200">
          <s-text color="subdued">{t("marketplace")}</s-text>
          <s-text>
            {marketplace} · {order.accountName}
          </s-text>
          <s-text color="subdued">{t("orderId")}</s-text>
          <s-text type="strong">{order.marketplaceOrderId}</s-text>
          <s-text color="subdued">{t("tracking")}</s-text>
          <s-stack direction="inline">
            <s-badge tone={trackingTone(order.trackingState)}>{tracking}</s-badge>
          </s-stack>
        </s-grid>
        {order.pushes.length === 0 ? (
          <s-text color="subdued">{t("noShipment", { marketplace })}</s-text>
        ) : (
          <s-stack gap="small-200">
            {order.pushes.map((push) => (
              <s-stack key={`${push.carrier}:${push.trackingNumber}`} gap="small-100">
                <s-stack direction="inline" gap="small-200" alignItems="center">
                  <s-text>
                    {t("shipment", { carrier: push.carrier, trackingNumber: push.trackingNumber })}
                  </s-text>
                  <s-badge tone={push.problem ? "critical" : "neutral"}>
                    {t(`pushStates.${push.state}`)}
                  </s-badge>
                </s-stack>
                {push.problem ? <s-text tone="critical">{push.problem}</s-text> : null}
              </s-stack>
            ))}
          </s-stack>
        )}
        <s-link href={appLink(order.appPath)}>{t("openInApp")}</s-link>
      </s-stack>
    </s-admin-block>
  );
}
