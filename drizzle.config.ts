import { defineConfig } from "drizzle-kit";

// drizzle-kit only generates SQL from the schema here; the app applies it itself (db/migrate.ts).
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
});
