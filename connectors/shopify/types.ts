/** Shopify Admin GraphQL (2026-07) wire shapes: only the fields our documents select. */

export interface MoneyV2 {
  amount: string;
  currencyCode: string;
}

export interface MoneyBag {
  shopMoney: MoneyV2;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface UserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

export interface VariantNode {
  id: string;
  sku: string | null;
  title: string;
  displayName: string;
  price: string;
  inventoryQuantity: number | null;
  inventoryItem: { tracked: boolean };
  product: { id: string; title: string };
}

export interface VariantsBySkuData {
  shop: { currencyCode: string };
  productVariants: { nodes: VariantNode[]; pageInfo: PageInfo };
}

export interface OrderNode {
  id: string;
  name: string;
  cancelledAt: string | null;
  sourceName: string | null;
  sourceIdentifier: string | null;
  tags: string[];
  totalPriceSet: MoneyBag;
}

export interface OrderCreateData {
  orderCreate: { order: OrderNode | null; userErrors: UserError[] } | null;
}

export interface OrdersBySourceData {
  orders: { nodes: OrderNode[] };
}

export interface OrderCancelData {
  orderCancel: {
    job: { id: string; done: boolean } | null;
    orderCancelUserErrors: UserError[];
  } | null;
}

export interface FulfillmentNode {
  id: string;
  status: "PENDING" | "OPEN" | "SUCCESS" | "CANCELLED" | "ERROR" | "FAILURE";
  createdAt: string;
  updatedAt: string;
  order: { id: string };
  trackingInfo: { company: string | null; number: string | null; url: string | null }[];
  fulfillmentLineItems: {
    nodes: {
      quantity: number | null;
      lineItem: { sku: string | null; customAttributes: { key: string; value: string | null }[] };
    }[];
    pageInfo?: { hasNextPage: boolean; endCursor: string | null } | undefined;
  };
}

export interface FulfillmentLinesData {
  fulfillment: { id: string; fulfillmentLineItems: FulfillmentNode["fulfillmentLineItems"] } | null;
}

export interface OrderFulfillmentsData {
  order: { id: string; fulfillments: FulfillmentNode[] } | null;
}

export interface FulfillmentData {
  fulfillment: FulfillmentNode | null;
}

export interface WebhookSubscriptionNode {
  id: string;
  topic: string;
  uri: string;
}

export interface WebhookSubscriptionsData {
  webhookSubscriptions: { nodes: WebhookSubscriptionNode[]; pageInfo: PageInfo };
}

export interface WebhookSubscriptionCreateData {
  webhookSubscriptionCreate: {
    webhookSubscription: WebhookSubscriptionNode | null;
    userErrors: UserError[];
  } | null;
}

/** `extensions.cost` on every Admin GraphQL answer. */
export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export interface GraphqlErrorEntry {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/** What `/admin/oauth/access_token` answers for a refresh (expiring offline tokens). */
export interface AccessTokenResponse {
  access_token: string;
  scope: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}
