import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const processEnvBan = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: "Read configuration through app/config.server.ts (getConfig), not process.env.",
};

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "build/",
      "public/build/",
      ".cache/",
      ".data/",
      "test-results/",
      "extensions/**/dist/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      "no-console": "error",
      "no-restricted-syntax": ["error", processEnvBan],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: processEnvBan.message },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // The one module allowed to read the environment.
    files: ["app/config.server.ts"],
    rules: { "no-restricted-syntax": "off", "no-restricted-properties": "off" },
  },
  {
    // Test setup reads TEST_DATABASE_URL and builds child-process environments.
    files: ["vitest.config.ts", "test/helpers/env.ts"],
    rules: { "no-restricted-syntax": "off", "no-restricted-properties": "off" },
  },
);
