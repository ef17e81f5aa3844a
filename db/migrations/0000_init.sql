CREATE TYPE "public"."account_status" AS ENUM('active', 'needs_reconnect', 'disconnected');--> statement-breakpoint
CREATE TYPE "public"."link_state" AS ENUM('creating', 'created', 'failed');--> statement-breakpoint
CREATE TYPE "public"."marketplace_platform" AS ENUM('ebay', 'amazon');--> statement-breakpoint
CREATE TYPE "public"."order_state" AS ENUM('new', 'waiting', 'held', 'skipped', 'creating', 'imported', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."push_state" AS ENUM('pending', 'sending', 'sent', 'confirmed', 'retrying', 'failed', 'held');--> statement-breakpoint
CREATE TYPE "public"."store_platform" AS ENUM('shopify', 'bigcommerce');--> statement-breakpoint
CREATE TYPE "public"."tracking_state" AS ENUM('none', 'pending', 'sent', 'confirmed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."webhook_source" AS ENUM('shopify', 'bigcommerce', 'ebay', 'amazon');--> statement-breakpoint
CREATE TABLE "stores" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"platform" "store_platform" NOT NULL,
	"external_id" text NOT NULL,
	"name" text,
	"access_token_enc" text,
	"scopes" text DEFAULT '' NOT NULL,
	"currency" text,
	"locale" text,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"uninstalled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketplace_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"store_id" uuid NOT NULL,
	"platform" "marketplace_platform" NOT NULL,
	"seller_id" text NOT NULL,
	"display_name" text NOT NULL,
	"region" text NOT NULL,
	"marketplace_ids" text[] DEFAULT '{}' NOT NULL,
	"credentials_enc" text,
	"credentials_expire_at" timestamp with time zone,
	"status" "account_status" DEFAULT 'active' NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"import_cursor" timestamp with time zone,
	"last_import_at" timestamp with time zone,
	"disconnected_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketplace_order_lines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"line_id" text NOT NULL,
	"sku" text,
	"title" text NOT NULL,
	"quantity" integer NOT NULL,
	"quantity_shipped" integer DEFAULT 0 NOT NULL,
	"unit_price_minor" bigint DEFAULT 0 NOT NULL,
	"tax_minor" bigint DEFAULT 0 NOT NULL,
	"discount_minor" bigint DEFAULT 0 NOT NULL,
	"variant_ref" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "marketplace_orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"marketplace" "marketplace_platform" NOT NULL,
	"marketplace_order_id" text NOT NULL,
	"marketplace_status" text NOT NULL,
	"state" "order_state" DEFAULT 'new' NOT NULL,
	"tracking_state" "tracking_state" DEFAULT 'none' NOT NULL,
	"currency" char(3) NOT NULL,
	"subtotal_minor" bigint DEFAULT 0 NOT NULL,
	"shipping_minor" bigint DEFAULT 0 NOT NULL,
	"tax_minor" bigint DEFAULT 0 NOT NULL,
	"discount_minor" bigint DEFAULT 0 NOT NULL,
	"total_minor" bigint DEFAULT 0 NOT NULL,
	"buyer_enc" text,
	"ship_to_enc" text,
	"ship_country" char(2),
	"raw_enc" text,
	"hold_reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"marketplace_created_at" timestamp with time zone NOT NULL,
	"marketplace_updated_at" timestamp with time zone NOT NULL,
	"pii_purged_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "order_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"marketplace_order_id" text NOT NULL,
	"state" "link_state" DEFAULT 'creating' NOT NULL,
	"store_order_id" text,
	"store_order_name" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shipments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"store_fulfillment_id" text NOT NULL,
	"carrier" text,
	"tracking_number" text,
	"tracking_url" text,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"shipped_at" timestamp with time zone NOT NULL,
	"source_updated_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tracking_pushes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"shipment_id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"state" "push_state" DEFAULT 'pending' NOT NULL,
	"carrier_code" text NOT NULL,
	"carrier_name" text,
	"tracking_number" text NOT NULL,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"marketplace_fulfillment_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" jsonb,
	"sent_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "carrier_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"store_id" uuid NOT NULL,
	"account_id" uuid,
	"marketplace" "marketplace_platform" NOT NULL,
	"store_carrier" text NOT NULL,
	"marketplace_carrier_code" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sku_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"store_id" uuid NOT NULL,
	"account_id" uuid,
	"marketplace_sku" text NOT NULL,
	"store_sku" text NOT NULL,
	"variant_ref" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_receipts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" "webhook_source" NOT NULL,
	"delivery_id" text NOT NULL,
	"topic" text NOT NULL,
	"store_id" uuid,
	"webhook_id" text,
	"triggered_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "shopify_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"shop" text NOT NULL,
	"state" text NOT NULL,
	"isOnline" boolean DEFAULT false NOT NULL,
	"scope" text,
	"expires" timestamp with time zone,
	"accessToken" text NOT NULL,
	"userId" bigint,
	"firstName" text,
	"lastName" text,
	"email" text,
	"accountOwner" boolean,
	"locale" text,
	"collaborator" boolean,
	"emailVerified" boolean,
	"refreshToken" text,
	"refreshTokenExpires" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "marketplace_accounts" ADD CONSTRAINT "marketplace_accounts_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketplace_order_lines" ADD CONSTRAINT "marketplace_order_lines_order_id_marketplace_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."marketplace_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketplace_orders" ADD CONSTRAINT "marketplace_orders_account_id_marketplace_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."marketplace_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "marketplace_orders" ADD CONSTRAINT "marketplace_orders_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_links" ADD CONSTRAINT "order_links_order_id_marketplace_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."marketplace_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_links" ADD CONSTRAINT "order_links_account_id_marketplace_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."marketplace_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_links" ADD CONSTRAINT "order_links_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_order_id_marketplace_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."marketplace_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_pushes" ADD CONSTRAINT "tracking_pushes_shipment_id_shipments_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_pushes" ADD CONSTRAINT "tracking_pushes_order_id_marketplace_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."marketplace_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_pushes" ADD CONSTRAINT "tracking_pushes_account_id_marketplace_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."marketplace_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "carrier_mappings" ADD CONSTRAINT "carrier_mappings_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "carrier_mappings" ADD CONSTRAINT "carrier_mappings_account_id_marketplace_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."marketplace_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_mappings" ADD CONSTRAINT "sku_mappings_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sku_mappings" ADD CONSTRAINT "sku_mappings_account_id_marketplace_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."marketplace_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_events" ADD CONSTRAINT "sync_events_order_id_marketplace_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."marketplace_orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_events" ADD CONSTRAINT "sync_events_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_receipts" ADD CONSTRAINT "webhook_receipts_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "stores_platform_external_id_uq" ON "stores" USING btree ("platform","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "marketplace_accounts_store_seller_uq" ON "marketplace_accounts" USING btree ("store_id","platform","seller_id");--> statement-breakpoint
CREATE INDEX "marketplace_accounts_status_idx" ON "marketplace_accounts" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "marketplace_order_lines_order_line_uq" ON "marketplace_order_lines" USING btree ("order_id","line_id");--> statement-breakpoint
CREATE INDEX "marketplace_order_lines_sku_idx" ON "marketplace_order_lines" USING btree (lower("sku"));--> statement-breakpoint
CREATE UNIQUE INDEX "marketplace_orders_account_order_uq" ON "marketplace_orders" USING btree ("account_id","marketplace_order_id");--> statement-breakpoint
CREATE INDEX "marketplace_orders_store_created_idx" ON "marketplace_orders" USING btree ("store_id","marketplace_created_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "marketplace_orders_store_state_created_idx" ON "marketplace_orders" USING btree ("store_id","state","marketplace_created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "marketplace_orders_store_marketplace_created_idx" ON "marketplace_orders" USING btree ("store_id","marketplace","marketplace_created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "marketplace_orders_store_tracking_idx" ON "marketplace_orders" USING btree ("store_id","tracking_state","marketplace_created_at" DESC NULLS LAST) WHERE "marketplace_orders"."tracking_state" <> 'none';--> statement-breakpoint
CREATE INDEX "marketplace_orders_account_created_idx" ON "marketplace_orders" USING btree ("account_id","marketplace_created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "order_links_account_marketplace_order_uq" ON "order_links" USING btree ("account_id","marketplace_order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "order_links_order_uq" ON "order_links" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "order_links_store_order_idx" ON "order_links" USING btree ("store_id","store_order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shipments_store_fulfillment_uq" ON "shipments" USING btree ("store_id","store_fulfillment_id");--> statement-breakpoint
CREATE INDEX "shipments_order_idx" ON "shipments" USING btree ("order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tracking_pushes_shipment_tracking_uq" ON "tracking_pushes" USING btree ("shipment_id","tracking_number");--> statement-breakpoint
CREATE INDEX "tracking_pushes_order_idx" ON "tracking_pushes" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "tracking_pushes_account_state_idx" ON "tracking_pushes" USING btree ("account_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "carrier_mappings_scope_carrier_uq" ON "carrier_mappings" USING btree ("store_id",coalesce("account_id", '00000000-0000-0000-0000-000000000000'::uuid),"marketplace",lower(btrim("store_carrier")));--> statement-breakpoint
CREATE UNIQUE INDEX "sku_mappings_scope_sku_uq" ON "sku_mappings" USING btree ("store_id",coalesce("account_id", '00000000-0000-0000-0000-000000000000'::uuid),lower(btrim("marketplace_sku")));--> statement-breakpoint
CREATE INDEX "sync_events_order_at_idx" ON "sync_events" USING btree ("order_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_receipts_source_delivery_uq" ON "webhook_receipts" USING btree ("source","delivery_id");--> statement-breakpoint
CREATE INDEX "webhook_receipts_store_received_idx" ON "webhook_receipts" USING btree ("store_id","received_at");--> statement-breakpoint
CREATE INDEX "shopify_sessions_shop_idx" ON "shopify_sessions" USING btree ("shop");