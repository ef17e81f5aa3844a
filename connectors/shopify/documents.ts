/**
 * Every GraphQL document the connector sends (Admin API 2026-07). Kept in one place so the contract
 * test validates exactly these against the official schema.
 */

const FULFILLMENT_FIELDS = `
  id
  status
  createdAt
  updatedAt
  order { id }
  trackingInfo(first: 5) { company number url }
  fulfillmentLineItems(first: 20) {
    nodes {
      quantity
      lineItem { sku customAttributes { key value } }
    }
    pageInfo { hasNextPage endCursor }
  }
`;

const ORDER_FIELDS = `
  id
  name
  cancelledAt
  sourceName
  sourceIdentifier
  tags
  totalPriceSet { shopMoney { amount currencyCode } }
`;

export const VARIANTS_BY_SKU = `#graphql
query VariantsBySku($query: String!, $first: Int!, $after: String) {
  shop { currencyCode }
  productVariants(first: $first, after: $after, query: $query) {
    nodes {
      id
      sku
      title
      displayName
      price
      inventoryQuantity
      inventoryItem { tracked }
      product { id title }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const ORDER_CREATE = `#graphql
mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { ${ORDER_FIELDS} }
    userErrors { field message code }
  }
}`;

export const ORDERS_BY_SOURCE = `#graphql
query OrdersBySource($query: String!) {
  orders(first: 10, query: $query) {
    nodes { ${ORDER_FIELDS} }
  }
}`;

export const ORDER_CANCEL = `#graphql
mutation OrderCancel(
  $orderId: ID!
  $restock: Boolean!
  $reason: OrderCancelReason!
  $refundMethod: OrderCancelRefundMethodInput
  $staffNote: String
) {
  orderCancel(
    orderId: $orderId
    restock: $restock
    reason: $reason
    refundMethod: $refundMethod
    notifyCustomer: false
    staffNote: $staffNote
  ) {
    job { id done }
    orderCancelUserErrors { field message code }
  }
}`;

export const ORDER_FULFILLMENTS = `#graphql
query OrderFulfillments($id: ID!) {
  order(id: $id) {
    id
    fulfillments(first: 10) { ${FULFILLMENT_FIELDS} }
  }
}`;

export const FULFILLMENT = `#graphql
query Fulfillment($id: ID!) {
  fulfillment(id: $id) { ${FULFILLMENT_FIELDS} }
}`;

/** The rest of a fulfillment's lines, past the first 20 the fulfillment queries carry. */
export const FULFILLMENT_LINES = `#graphql
query FulfillmentLines($id: ID!, $after: String) {
  fulfillment(id: $id) {
    id
    fulfillmentLineItems(first: 250, after: $after) {
      nodes {
        quantity
        lineItem { sku customAttributes { key value } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const WEBHOOK_SUBSCRIPTIONS = `#graphql
query WebhookSubscriptions($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const WEBHOOK_SUBSCRIPTION_CREATE = `#graphql
mutation WebhookSubscriptionCreate(
  $topic: WebhookSubscriptionTopic!
  $webhookSubscription: WebhookSubscriptionInput!
) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`;

export const ALL_DOCUMENTS = {
  VARIANTS_BY_SKU,
  ORDER_CREATE,
  ORDERS_BY_SOURCE,
  ORDER_CANCEL,
  ORDER_FULFILLMENTS,
  FULFILLMENT,
  FULFILLMENT_LINES,
  WEBHOOK_SUBSCRIPTIONS,
  WEBHOOK_SUBSCRIPTION_CREATE,
} as const;

/**
 * Requested cost of each document by Shopify's published rules (scalar 0, object 1, connection or
 * paginated list 2 + first × item, mutation 10), passed to the queue before the call.
 */
export const ESTIMATED_COST = {
  VARIANTS_BY_SKU: (first: number) => 3 + 3 * first,
  ORDER_CREATE: 10,
  ORDERS_BY_SOURCE: 32,
  ORDER_CANCEL: 10,
  // order 1 + fulfillments 2 + 10 × (1 + order 1 + trackingInfo (2 + 5) + lines (2 + 20 × 3))
  ORDER_FULFILLMENTS: 713,
  FULFILLMENT: 71,
  // fulfillment 1 + lines (2 + 250 × (1 + lineItem 1 + customAttributes 1))
  FULFILLMENT_LINES: 753,
  WEBHOOK_SUBSCRIPTIONS: (first: number) => 2 + first,
  WEBHOOK_SUBSCRIPTION_CREATE: 10,
} as const;
