/**
 * BigCommerce wire types: only the fields Marketsync sends or reads. Shapes follow the official
 * specs (Orders V2 `orders.v2.oas2.yml`, Catalog variants v3, Webhooks v3, Store Information v2).
 * Money travels as decimal strings on v2 reads (`"12.5000"`) and as JSON numbers on v2 writes and
 * v3 catalog reads; the mapper converts both exactly.
 */

export interface BcAddress {
  first_name?: string;
  last_name?: string;
  company?: string;
  street_1?: string;
  street_2?: string;
  city?: string;
  state?: string;
  zip?: string;
  country?: string;
  country_iso2?: string;
  phone?: string;
  email?: string;
}

export interface BcOrderProductPost {
  product_id: number;
  variant_id?: number;
  product_options?: { id: number; value: string }[];
  quantity: number;
  price_inc_tax: number;
  price_ex_tax: number;
}

/** POST /v2/orders body (`order_Post`), the part we send. */
export interface BcOrderPost {
  customer_id: 0;
  status_id: number;
  billing_address: BcAddress;
  shipping_addresses: (BcAddress & { shipping_method?: string })[];
  products: BcOrderProductPost[];
  default_currency_code: string;
  base_shipping_cost: string;
  shipping_cost_ex_tax: string;
  shipping_cost_inc_tax: string;
  discount_amount: string;
  subtotal_ex_tax: string;
  subtotal_inc_tax: string;
  total_ex_tax: string;
  total_inc_tax: string;
  date_created: string;
  external_source: string;
  external_order_id: string;
  staff_notes: string;
  customer_message?: string;
}

/** GET/POST/PUT /v2/orders(/{id}) answer (`order_Resp`), the part we read. */
export interface BcOrder {
  id: number;
  status_id: number;
  status?: string;
  date_created?: string;
  date_modified?: string;
  currency_code?: string;
  default_currency_code?: string;
  total_inc_tax?: string;
  total_ex_tax?: string;
  is_deleted?: boolean;
  external_source?: string | null;
  external_order_id?: string;
  staff_notes?: string;
}

/** GET /v2/orders/{id}/products item. */
export interface BcOrderProduct {
  id: number;
  order_id: number;
  product_id: number;
  variant_id?: number;
  sku?: string;
  name: string;
  quantity: number;
  quantity_shipped?: number;
}

export interface BcShipmentItem {
  order_product_id: number;
  product_id: number;
  quantity: number;
}

/** GET /v2/orders/{id}/shipments(/{shipment_id}). */
export interface BcShipment {
  id: number;
  order_id: number;
  date_created?: string;
  tracking_number?: string;
  shipping_method?: string;
  shipping_provider?: string;
  tracking_carrier?: string;
  tracking_link?: string;
  generated_tracking_link?: string;
  items: BcShipmentItem[];
}

/** GET /v3/catalog/variants item. */
export interface BcVariant {
  id: number;
  product_id: number;
  sku: string;
  price?: number | null;
  calculated_price?: number;
  inventory_level?: number;
  option_values?: { label?: string; option_display_name?: string }[];
}

/**
 * GET /v3/catalog/products item (`product_Full`, catalog/products_catalog.v3.yml), the part we
 * read. `variants` is there only with `include=variants` (the `IncludeParamBase` sub-resource).
 */
export interface BcProduct {
  id: number;
  name: string;
  sku?: string;
  variants?: BcVariant[];
}

export interface BcPagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
  links?: { previous?: string; current?: string; next?: string };
}

export interface BcCollection<T> {
  data: T[];
  meta: { pagination?: BcPagination };
}

export interface BcHook {
  id: number;
  client_id?: string;
  store_hash?: string;
  scope: string;
  destination: string;
  is_active: boolean;
  headers?: Record<string, string> | null;
  created_at?: number;
  updated_at?: number;
}

export interface BcHookPost {
  scope: string;
  destination: string;
  is_active: boolean;
  headers?: Record<string, string>;
}

/** GET /v2/store, the part we read. */
export interface BcStoreInfo {
  id: string;
  currency?: string;
  control_panel_base_url?: string;
  secure_url?: string;
}

/** v2 error body: `[{"status":400,"message":"..."}]`. */
export type BcV2Error = { status?: number; message?: string; details?: unknown }[];

/** v3 error body. */
export interface BcV3Error {
  status?: number;
  title?: string;
  type?: string;
  errors?: Record<string, unknown>;
}

/** Webhook callback payload (webhooks-callbacks/*.yml). */
export interface BcWebhookPayload {
  scope: string;
  store_id: string;
  data: { type: string; id: number; [key: string]: unknown };
  hash: string;
  created_at: number;
  producer: string;
}

/** POST https://login.bigcommerce.com/oauth2/token answer. */
export interface BcTokenResponse {
  access_token: string;
  scope: string;
  user: { id: number; username?: string; email: string };
  owner?: { id: number; username?: string; email: string };
  context: string;
  account_uuid?: string;
}

/** Order statuses we use (GET /v2/order_statuses). */
export const BC_STATUS = {
  incomplete: 0,
  pending: 1,
  shipped: 2,
  partiallyShipped: 3,
  refunded: 4,
  cancelled: 5,
  declined: 6,
  awaitingPayment: 7,
  awaitingPickup: 8,
  awaitingShipment: 9,
  completed: 10,
  awaitingFulfillment: 11,
  manualVerificationRequired: 12,
  disputed: 13,
  partiallyRefunded: 14,
} as const;
