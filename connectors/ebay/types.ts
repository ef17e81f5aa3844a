/**
 * eBay Sell Fulfillment API v1 wire shapes: only the fields Marketsync reads or sends.
 * Source: sell_fulfillment_v1_oas3.json (v1.20.7) in the shared specs; every field is optional on
 * the wire, so readers must cope with any of them missing.
 */

export interface EbayAmount {
  value?: string;
  currency?: string;
  convertedFromValue?: string;
  convertedFromCurrency?: string;
}

export interface EbayAddress {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  stateOrProvince?: string;
  postalCode?: string;
  countryCode?: string;
  county?: string;
}

export interface EbayExtendedContact {
  fullName?: string;
  companyName?: string;
  email?: string;
  primaryPhone?: { phoneNumber?: string };
  contactAddress?: EbayAddress;
}

export interface EbayTax {
  amount?: EbayAmount;
  /** Only with fieldGroups=TAX_BREAKDOWN. */
  taxType?: string;
}

export interface EbayCollectAndRemitTax {
  amount?: EbayAmount;
  taxType?: string;
  collectionMethod?: string;
}

export interface EbayAppliedPromotion {
  description?: string;
  discountAmount?: EbayAmount;
  promotionId?: string;
}

export interface EbayDeliveryCost {
  shippingCost?: EbayAmount;
  handlingCost?: EbayAmount;
  discountAmount?: EbayAmount;
  importCharges?: EbayAmount;
}

export interface EbayLineItem {
  lineItemId?: string;
  legacyItemId?: string;
  legacyVariationId?: string;
  sku?: string;
  title?: string;
  quantity?: number;
  lineItemCost?: EbayAmount;
  discountedLineItemCost?: EbayAmount;
  total?: EbayAmount;
  deliveryCost?: EbayDeliveryCost;
  appliedPromotions?: EbayAppliedPromotion[];
  taxes?: EbayTax[];
  ebayCollectAndRemitTaxes?: EbayCollectAndRemitTax[];
  lineItemFulfillmentStatus?: "NOT_STARTED" | "IN_PROGRESS" | "FULFILLED" | (string & {});
  lineItemFulfillmentInstructions?: {
    shipByDate?: string;
    minEstimatedDeliveryDate?: string;
    maxEstimatedDeliveryDate?: string;
    guaranteedDelivery?: boolean;
  };
  listingMarketplaceId?: string;
  purchaseMarketplaceId?: string;
  soldFormat?: string;
  refunds?: { amount?: EbayAmount; refundDate?: string; refundId?: string }[];
  properties?: { buyerProtection?: boolean; fromBestOffer?: boolean; soldViaAdCampaign?: boolean };
}

export interface EbayCancelRequest {
  cancelRequestId?: string;
  cancelRequestState?: "REQUESTED" | "REJECTED" | "COMPLETED" | (string & {});
  cancelInitiator?: string;
  cancelReason?: string;
  cancelRequestedDate?: string;
  cancelCompletedDate?: string;
}

export interface EbayCancelStatus {
  cancelState?: "NONE_REQUESTED" | "IN_PROGRESS" | "CANCELED" | (string & {});
  cancelledDate?: string;
  /** Always empty in getOrders; populated by getOrder. */
  cancelRequests?: EbayCancelRequest[];
}

export interface EbayFulfillmentStartInstruction {
  fulfillmentInstructionsType?: string;
  ebaySupportedFulfillment?: boolean;
  finalDestinationAddress?: EbayAddress;
  minEstimatedDeliveryDate?: string;
  maxEstimatedDeliveryDate?: string;
  shippingStep?: {
    shippingCarrierCode?: string;
    shippingServiceCode?: string;
    shipTo?: EbayExtendedContact;
    shipToReferenceId?: string;
  };
}

export interface EbayPricingSummary {
  priceSubtotal?: EbayAmount;
  deliveryCost?: EbayAmount;
  /** Negative. */
  deliveryDiscount?: EbayAmount;
  /** Negative. */
  priceDiscount?: EbayAmount;
  tax?: EbayAmount;
  fee?: EbayAmount;
  adjustment?: EbayAmount;
  total?: EbayAmount;
}

export type EbayOrderPaymentStatus =
  "PENDING" | "FAILED" | "PAID" | "PARTIALLY_REFUNDED" | "FULLY_REFUNDED";
export type EbayOrderFulfillmentStatus = "NOT_STARTED" | "IN_PROGRESS" | "FULFILLED";

export interface EbayOrder {
  orderId?: string;
  legacyOrderId?: string;
  creationDate?: string;
  lastModifiedDate?: string;
  orderFulfillmentStatus?: EbayOrderFulfillmentStatus | (string & {});
  orderPaymentStatus?: EbayOrderPaymentStatus | (string & {});
  sellerId?: string;
  buyer?: {
    username?: string;
    buyerRegistrationAddress?: EbayExtendedContact;
  };
  buyerCheckoutNotes?: string;
  pricingSummary?: EbayPricingSummary;
  cancelStatus?: EbayCancelStatus;
  paymentSummary?: {
    payments?: {
      paymentMethod?: string;
      paymentStatus?: string;
      paymentDate?: string;
      amount?: EbayAmount;
    }[];
    refunds?: unknown[];
    totalDueSeller?: EbayAmount;
  };
  fulfillmentStartInstructions?: EbayFulfillmentStartInstruction[];
  fulfillmentHrefs?: string[];
  lineItems?: EbayLineItem[];
  ebayCollectAndRemitTax?: boolean;
  salesRecordReference?: string;
  totalFeeBasisAmount?: EbayAmount;
  totalMarketplaceFee?: EbayAmount;
  program?: {
    ebayShipping?: { shippingLabelProvidedBy?: string };
    ebayInternationalShipping?: { returnsManagedBy?: string };
    fulfillmentProgram?: { fulfilledBy?: string };
    authenticityVerification?: { outcomeReason?: string; status?: string };
  };
}

/** eBay's common REST error (ErrorDetailV3 / `Error` in the spec). */
export interface EbayErrorDetail {
  errorId?: number;
  domain?: string;
  subdomain?: string;
  category?: string;
  message?: string;
  longMessage?: string;
  inputRefIds?: string[];
  outputRefIds?: string[];
  parameters?: { name?: string; value?: string }[];
}

export interface EbayErrorResponse {
  errors?: EbayErrorDetail[];
  warnings?: EbayErrorDetail[];
}

export interface EbayOrderSearchPagedCollection {
  href?: string;
  total?: number;
  limit?: number;
  offset?: number;
  next?: string;
  prev?: string;
  orders?: EbayOrder[];
  warnings?: EbayErrorDetail[];
}

export interface EbayLineItemReference {
  lineItemId: string;
  quantity: number;
}

/** Request body of createShippingFulfillment. */
export interface EbayShippingFulfillmentDetails {
  lineItems: EbayLineItemReference[];
  shippedDate?: string;
  shippingCarrierCode?: string;
  trackingNumber?: string;
}

export interface EbayShippingFulfillment {
  fulfillmentId?: string;
  lineItems?: { lineItemId?: string; quantity?: number }[];
  shipmentTrackingNumber?: string;
  shippedDate?: string;
  shippingCarrierCode?: string;
}

export interface EbayShippingFulfillmentPagedCollection {
  fulfillments?: EbayShippingFulfillment[];
  total?: number;
  warnings?: EbayErrorDetail[];
}

/** Identity API token response (refresh_token grant). */
export interface EbayTokenResponse {
  access_token: string;
  expires_in: number;
  token_type: string;
  refresh_token?: string;
  refresh_token_expires_in?: number;
}

/** Identity API OAuth error body (RFC 6749 style). */
export interface EbayOAuthError {
  error: string;
  error_description?: string;
}
