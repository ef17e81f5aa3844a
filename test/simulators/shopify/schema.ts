import { buildSchema, GraphQLError, GraphQLScalarType, Kind } from "graphql";

/**
 * The part of the Admin GraphQL API 2026-07 the simulator implements, written by hand after the
 * official SDL (names, nullability and argument types as there). Only these fields exist here, so a
 * document asking for anything else fails validation just as a typo would at Shopify; the contract
 * test checks the same documents against the full official schema.
 */
const SDL = /* GraphQL */ `
  schema {
    query: QueryRoot
    mutation: Mutation
  }

  scalar DateTime
  scalar Decimal
  scalar Money
  scalar URL
  scalar JSON
  scalar CurrencyCode
  scalar CountryCode

  type QueryRoot {
    shop: Shop!
    productVariants(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      query: String
    ): ProductVariantConnection!
    orders(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      query: String
    ): OrderConnection!
    order(id: ID!): Order
    fulfillment(id: ID!): Fulfillment
    webhookSubscriptions(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
      query: String
      uri: String
      topics: [WebhookSubscriptionTopic!]
    ): WebhookSubscriptionConnection!
  }

  type Mutation {
    orderCreate(order: OrderCreateOrderInput!, options: OrderCreateOptionsInput): OrderCreatePayload
    orderCancel(
      orderId: ID!
      refund: Boolean
      refundMethod: OrderCancelRefundMethodInput
      restock: Boolean!
      reason: OrderCancelReason!
      notifyCustomer: Boolean = false
      staffNote: String = null
    ): OrderCancelPayload
    webhookSubscriptionCreate(
      topic: WebhookSubscriptionTopic!
      webhookSubscription: WebhookSubscriptionInput!
    ): WebhookSubscriptionCreatePayload
  }

  type Shop {
    id: ID!
    name: String!
    myshopifyDomain: String!
    currencyCode: CurrencyCode!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type MoneyV2 {
    amount: Decimal!
    currencyCode: CurrencyCode!
  }
  type MoneyBag {
    shopMoney: MoneyV2!
    presentmentMoney: MoneyV2!
  }
  type Attribute {
    key: String!
    value: String
  }

  type Product {
    id: ID!
    title: String!
  }
  type InventoryItem {
    id: ID!
    tracked: Boolean!
  }
  type ProductVariant {
    id: ID!
    sku: String
    title: String!
    displayName: String!
    price: Money!
    inventoryQuantity: Int
    inventoryItem: InventoryItem!
    product: Product!
  }
  type ProductVariantEdge {
    cursor: String!
    node: ProductVariant!
  }
  type ProductVariantConnection {
    edges: [ProductVariantEdge!]!
    nodes: [ProductVariant!]!
    pageInfo: PageInfo!
  }

  enum OrderCancelReason {
    CUSTOMER
    DECLINED
    FRAUD
    INVENTORY
    STAFF
    OTHER
  }
  type LineItem {
    id: ID!
    sku: String
    title: String!
    quantity: Int!
    customAttributes: [Attribute!]!
    originalUnitPriceSet: MoneyBag!
    variant: ProductVariant
  }
  type LineItemEdge {
    cursor: String!
    node: LineItem!
  }
  type LineItemConnection {
    edges: [LineItemEdge!]!
    nodes: [LineItem!]!
    pageInfo: PageInfo!
  }
  type Order {
    id: ID!
    name: String!
    createdAt: DateTime!
    processedAt: DateTime!
    cancelledAt: DateTime
    cancelReason: OrderCancelReason
    currencyCode: CurrencyCode!
    email: String
    sourceName: String
    sourceIdentifier: String
    tags: [String!]!
    taxesIncluded: Boolean!
    totalPriceSet: MoneyBag!
    customAttributes: [Attribute!]!
    lineItems(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
    ): LineItemConnection!
    fulfillments(first: Int, query: String): [Fulfillment!]!
  }
  type OrderEdge {
    cursor: String!
    node: Order!
  }
  type OrderConnection {
    edges: [OrderEdge!]!
    nodes: [Order!]!
    pageInfo: PageInfo!
  }

  enum FulfillmentStatus {
    PENDING
    OPEN
    SUCCESS
    CANCELLED
    ERROR
    FAILURE
  }
  type FulfillmentTrackingInfo {
    company: String
    number: String
    url: URL
  }
  type FulfillmentLineItem {
    id: ID!
    quantity: Int
    lineItem: LineItem!
  }
  type FulfillmentLineItemEdge {
    cursor: String!
    node: FulfillmentLineItem!
  }
  type FulfillmentLineItemConnection {
    edges: [FulfillmentLineItemEdge!]!
    nodes: [FulfillmentLineItem!]!
    pageInfo: PageInfo!
  }
  type Fulfillment {
    id: ID!
    name: String!
    status: FulfillmentStatus!
    createdAt: DateTime!
    updatedAt: DateTime!
    order: Order!
    trackingInfo(first: Int): [FulfillmentTrackingInfo!]!
    fulfillmentLineItems(
      first: Int
      after: String
      last: Int
      before: String
      reverse: Boolean = false
    ): FulfillmentLineItemConnection!
  }

  interface DisplayableError {
    field: [String!]
    message: String!
  }
  type UserError implements DisplayableError {
    field: [String!]
    message: String!
  }
  enum OrderCreateUserErrorCode {
    INVALID
    FULFILLMENT_SERVICE_INVALID
    INVENTORY_CLAIM_FAILED
    PROCESSED_AT_INVALID
    TAX_LINE_RATE_MISSING
    REDUNDANT_CUSTOMER_FIELDS
    SHOP_DORMANT
  }
  type OrderCreateUserError implements DisplayableError {
    code: OrderCreateUserErrorCode
    field: [String!]
    message: String!
  }
  type OrderCreatePayload {
    order: Order
    userErrors: [OrderCreateUserError!]!
  }
  enum OrderCancelUserErrorCode {
    NO_REFUND_PERMISSION
    NO_REFUND_TO_STORE_CREDIT_PERMISSION
    STORE_CREDIT_REFUND_EXPIRATION_IN_PAST
    STORE_CREDIT_REFUND_MISSING_CUSTOMER
    STORE_CREDIT_REFUND_B2B_NOT_SUPPORTED
    NOT_FOUND
    INVALID
    INTERNAL_ERROR
  }
  type OrderCancelUserError implements DisplayableError {
    code: OrderCancelUserErrorCode
    field: [String!]
    message: String!
  }
  type Job {
    id: ID!
    done: Boolean!
  }
  type OrderCancelPayload {
    job: Job
    orderCancelUserErrors: [OrderCancelUserError!]!
    userErrors: [UserError!]!
  }

  enum WebhookSubscriptionTopic {
    APP_UNINSTALLED
    FULFILLMENTS_CREATE
    FULFILLMENTS_UPDATE
    ORDERS_CANCELLED
    ORDERS_CREATE
    ORDERS_UPDATED
    ORDERS_FULFILLED
  }
  enum WebhookSubscriptionFormat {
    JSON
    XML
  }
  type WebhookSubscription {
    id: ID!
    topic: WebhookSubscriptionTopic!
    uri: String!
    format: WebhookSubscriptionFormat!
    createdAt: DateTime!
    updatedAt: DateTime!
  }
  type WebhookSubscriptionEdge {
    cursor: String!
    node: WebhookSubscription!
  }
  type WebhookSubscriptionConnection {
    edges: [WebhookSubscriptionEdge!]!
    nodes: [WebhookSubscription!]!
    pageInfo: PageInfo!
  }
  type WebhookSubscriptionCreatePayload {
    webhookSubscription: WebhookSubscription
    userErrors: [UserError!]!
  }
  input WebhookSubscriptionInput {
    uri: String
    callbackUrl: URL
    format: WebhookSubscriptionFormat
    includeFields: [String!]
    filter: String
    name: String
  }

  input MoneyInput {
    amount: Decimal!
    currencyCode: CurrencyCode!
  }
  input MoneyBagInput {
    shopMoney: MoneyInput!
    presentmentMoney: MoneyInput
  }
  input MailingAddressInput {
    address1: String
    address2: String
    city: String
    company: String
    countryCode: CountryCode
    firstName: String
    lastName: String
    phone: String
    provinceCode: String
    zip: String
  }
  input OrderCreateTaxLineInput {
    channelLiable: Boolean = false
    priceSet: MoneyBagInput
    rate: Decimal!
    title: String!
  }
  input OrderCreateLineItemPropertyInput {
    name: String!
    value: String!
  }
  input OrderCreateLineItemInput {
    variantId: ID
    productId: ID
    quantity: Int!
    priceSet: MoneyBagInput
    sku: String
    title: String
    variantTitle: String
    vendor: String
    taxable: Boolean = true
    requiresShipping: Boolean = false
    giftCard: Boolean = false
    properties: [OrderCreateLineItemPropertyInput!]
    taxLines: [OrderCreateTaxLineInput!]
  }
  input OrderCreateShippingLineInput {
    code: String
    priceSet: MoneyBagInput!
    source: String
    taxLines: [OrderCreateTaxLineInput!]
    title: String!
  }
  enum OrderTransactionKind {
    SALE
    CAPTURE
    AUTHORIZATION
    VOID
    REFUND
    CHANGE
    EMV_AUTHORIZATION
    SUGGESTED_REFUND
  }
  enum OrderTransactionStatus {
    SUCCESS
    FAILURE
    PENDING
    ERROR
    AWAITING_RESPONSE
    UNKNOWN
  }
  input OrderCreateOrderTransactionInput {
    amountSet: MoneyBagInput!
    authorizationCode: String
    gateway: String
    kind: OrderTransactionKind = SALE
    processedAt: DateTime
    status: OrderTransactionStatus = SUCCESS
    test: Boolean = false
  }
  enum OrderCreateFinancialStatus {
    PENDING
    AUTHORIZED
    PARTIALLY_PAID
    PAID
    PARTIALLY_REFUNDED
    REFUNDED
    VOIDED
    EXPIRED
  }
  enum OrderCreateFulfillmentStatus {
    FULFILLED
    PARTIAL
    RESTOCKED
  }
  input OrderCreateFixedDiscountCodeAttributesInput {
    code: String!
    amountSet: MoneyBagInput
  }
  input OrderCreateDiscountCodeInput {
    itemFixedDiscountCode: OrderCreateFixedDiscountCodeAttributesInput
  }
  input OrderCreateCustomAttributeInput {
    key: String!
    value: String!
  }
  input OrderCreateOrderInput {
    billingAddress: MailingAddressInput
    currency: CurrencyCode
    presentmentCurrency: CurrencyCode
    customAttributes: [OrderCreateCustomAttributeInput!]
    discountCode: OrderCreateDiscountCodeInput
    email: String
    phone: String
    financialStatus: OrderCreateFinancialStatus
    fulfillmentStatus: OrderCreateFulfillmentStatus
    lineItems: [OrderCreateLineItemInput!]
    name: String
    note: String
    processedAt: DateTime
    shippingAddress: MailingAddressInput
    shippingLines: [OrderCreateShippingLineInput!]
    sourceIdentifier: String
    sourceName: String
    sourceUrl: URL
    tags: [String!]
    taxesIncluded: Boolean = false
    taxLines: [OrderCreateTaxLineInput!]
    test: Boolean = false
    transactions: [OrderCreateOrderTransactionInput!]
  }
  enum OrderCreateInputsInventoryBehavior {
    BYPASS
    DECREMENT_IGNORING_POLICY
    DECREMENT_OBEYING_POLICY
  }
  input OrderCreateOptionsInput {
    inventoryBehaviour: OrderCreateInputsInventoryBehavior = BYPASS
    sendReceipt: Boolean = false
    sendFulfillmentReceipt: Boolean = false
  }
  input OrderCancelStoreCreditRefundInput {
    expiresAt: DateTime
  }
  input OrderCancelRefundMethodInput {
    originalPaymentMethodsRefund: Boolean
    storeCreditRefund: OrderCancelStoreCreditRefundInput
  }
`;

function patterned(name: string, pattern: RegExp, description: string): GraphQLScalarType {
  const check = (value: unknown) => {
    if (typeof value !== "string" || !pattern.test(value)) {
      throw new GraphQLError(`Expected a ${description}, got ${JSON.stringify(value)}`);
    }
    return value;
  };
  return new GraphQLScalarType({
    name,
    serialize: (v) => v,
    parseValue: check,
    parseLiteral: (ast) => check(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}

let cached: ReturnType<typeof buildSchema> | undefined;

/** The simulator's executable schema (built once). */
export function simulatorSchema() {
  if (cached) return cached;
  const schema = buildSchema(SDL);
  const replace: Record<string, GraphQLScalarType> = {
    Decimal: patterned("Decimal", /^-?\d+(\.\d+)?$/, "decimal string"),
    DateTime: patterned(
      "DateTime",
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
      "ISO 8601 date-time",
    ),
    CurrencyCode: patterned("CurrencyCode", /^[A-Z]{3}$/, "ISO 4217 currency code"),
    CountryCode: patterned("CountryCode", /^[A-Z]{2}$/, "ISO 3166-1 alpha-2 country code"),
  };
  for (const [name, scalar] of Object.entries(replace)) {
    const existing = schema.getType(name) as GraphQLScalarType;
    Object.assign(existing, {
      parseValue: scalar.parseValue,
      parseLiteral: scalar.parseLiteral,
      serialize: scalar.serialize,
    });
  }
  cached = schema;
  return schema;
}
