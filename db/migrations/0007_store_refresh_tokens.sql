ALTER TABLE "stores" ADD COLUMN "refresh_token_enc" text;--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "access_token_expires_at" timestamp with time zone;