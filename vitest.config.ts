import { defineConfig } from "vitest/config";

/**
 * Projects: `unit` (no database), `integration` on embedded PGlite (always), and the same
 * integration files again on real Postgres when TEST_DATABASE_URL is set (CI sets it).
 * Each integration test file creates its own database, so files never share state.
 */
const testDatabaseUrl = process.env.TEST_DATABASE_URL;

const integrationFiles = ["test/integration/**/*.test.ts", "**/__tests__/**/*.integration.test.ts"];

export default defineConfig({
  test: {
    reporters: ["default"],
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "test/unit/**/*.test.ts",
            "test/contracts/**/*.test.ts",
            "**/__tests__/**/*.test.ts",
          ],
          exclude: ["**/*.integration.test.ts", "node_modules/**"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration (pglite)",
          include: [...integrationFiles, "test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          provide: { databaseMode: "pglite" as const, testDatabaseUrl: "" },
        },
      },
      ...(testDatabaseUrl
        ? [
            {
              test: {
                name: "integration (postgres)",
                include: integrationFiles,
                environment: "node" as const,
                testTimeout: 60_000,
                hookTimeout: 120_000,
                provide: { databaseMode: "postgres" as const, testDatabaseUrl },
              },
            },
          ]
        : []),
    ],
  },
});
