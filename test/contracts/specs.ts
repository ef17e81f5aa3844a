import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { parse as parseYaml } from "yaml";
import { PROJECT_ROOT } from "../helpers/app-process";

/**
 * Loads the official API specifications from `../shared/specs` (never copied into the project) and
 * validates bodies against them. Contract tests call `specsAvailable()` and skip, saying why, when
 * the folder is absent.
 */
export const SPECS_DIR = join(PROJECT_ROOT, "..", "shared", "specs");
export const SPECS_MISSING_MESSAGE = `official API specifications not found at ${SPECS_DIR}: contract tests skipped (they need ../shared/specs beside the project)`;

export function specsAvailable(): boolean {
  return existsSync(SPECS_DIR);
}

export function specPath(relative: string): string {
  return join(SPECS_DIR, relative);
}

type Json = Record<string, unknown>;

export interface OpenApiDoc {
  swagger?: string;
  openapi?: string;
  paths: Record<string, Record<string, Json>>;
}

const cache = new Map<string, Promise<OpenApiDoc>>();

/** The spec with every `$ref` resolved (Swagger 2.0 or OpenAPI 3.x, JSON or YAML). */
export function loadSpec(relative: string): Promise<OpenApiDoc> {
  let doc = cache.get(relative);
  if (!doc) {
    const text = readFileSync(specPath(relative), "utf8");
    const parsed = relative.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
    doc = SwaggerParser.dereference(parsed as never) as unknown as Promise<OpenApiDoc>;
    cache.set(relative, doc);
  }
  return doc;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
const compiled = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: Json): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(toJsonSchema(schema) as Json);
    compiled.set(schema, fn);
  }
  return fn;
}

/** OpenAPI schema dialect → JSON Schema: `nullable`, Swagger's `x-nullable`, no `example`s. */
function toJsonSchema(schema: unknown, seen = new Map<object, unknown>()): unknown {
  if (Array.isArray(schema)) return schema.map((s) => toJsonSchema(s, seen));
  if (!schema || typeof schema !== "object") return schema;
  if (seen.has(schema)) return seen.get(schema);
  const out: Json = {};
  seen.set(schema, out);
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === "example" || key === "examples" || key === "discriminator" || key === "xml")
      continue;
    out[key] =
      key === "properties" || key === "definitions" || key === "patternProperties"
        ? Object.fromEntries(
            Object.entries(value as Json).map(([k, v]) => [k, toJsonSchema(v, seen)]),
          )
        : toJsonSchema(value, seen);
  }
  const nullable = out.nullable === true || out["x-nullable"] === true;
  delete out.nullable;
  if (nullable && typeof out.type === "string") out.type = [out.type, "null"];
  else if (nullable && !out.type) return { anyOf: [out, { type: "null" }] };
  return out;
}

export interface ValidationResult {
  valid: boolean;
  errors: string[];
}

function result(fn: ValidateFunction, data: unknown): ValidationResult {
  const valid = fn(data) as boolean;
  return {
    valid,
    errors: (fn.errors ?? []).map(
      (e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`,
    ),
  };
}

function operation(doc: OpenApiDoc, method: string, pathTemplate: string): Json {
  const item = doc.paths[pathTemplate];
  if (!item) throw new Error(`spec has no path ${pathTemplate}`);
  const op = item[method.toLowerCase()];
  if (!op) throw new Error(`spec has no ${method} ${pathTemplate}`);
  return op;
}

/** The JSON schema of a response (`status` as in the spec: "200", "default"…). */
export function responseSchema(
  doc: OpenApiDoc,
  method: string,
  pathTemplate: string,
  status: number | string,
): Json | undefined {
  const responses = operation(doc, method, pathTemplate).responses as Json;
  const response = (responses[String(status)] ?? responses.default) as Json | undefined;
  if (!response) throw new Error(`spec declares no ${status} for ${method} ${pathTemplate}`);
  if (doc.swagger) return response.schema as Json | undefined;
  const content = response.content as Record<string, { schema?: Json }> | undefined;
  if (!content) return undefined;
  const media = content["application/json"] ?? Object.values(content)[0];
  return media?.schema;
}

export function requestSchema(
  doc: OpenApiDoc,
  method: string,
  pathTemplate: string,
): Json | undefined {
  const op = operation(doc, method, pathTemplate);
  if (doc.swagger) {
    const params = [
      ...((op.parameters as Json[] | undefined) ?? []),
      ...(((doc.paths[pathTemplate] as Json).parameters as Json[] | undefined) ?? []),
    ];
    return params.find((p) => p.in === "body")?.schema as Json | undefined;
  }
  const content = (op.requestBody as Json | undefined)?.content as
    Record<string, { schema?: Json }> | undefined;
  return content?.["application/json"]?.schema;
}

/** Declared status codes of an operation, e.g. ["200", "400", "429"]. */
export function declaredStatuses(doc: OpenApiDoc, method: string, pathTemplate: string): string[] {
  return Object.keys(operation(doc, method, pathTemplate).responses as Json);
}

/** Declared parameters (query, path, header) of an operation. */
export function declaredParameters(doc: OpenApiDoc, method: string, pathTemplate: string): Json[] {
  const op = operation(doc, method, pathTemplate);
  return [
    ...((op.parameters as Json[] | undefined) ?? []),
    ...(((doc.paths[pathTemplate] as Json).parameters as Json[] | undefined) ?? []),
  ];
}

export function validateResponse(
  doc: OpenApiDoc,
  method: string,
  pathTemplate: string,
  status: number,
  body: unknown,
): ValidationResult {
  const schema = responseSchema(doc, method, pathTemplate, status);
  if (!schema)
    return { valid: body === undefined || body === "" || body === null, errors: schema ? [] : [] };
  return result(validatorFor(schema), body);
}

export function validateRequest(
  doc: OpenApiDoc,
  method: string,
  pathTemplate: string,
  body: unknown,
): ValidationResult {
  const schema = requestSchema(doc, method, pathTemplate);
  if (!schema) return { valid: true, errors: [] };
  return result(validatorFor(schema), body);
}

/** Validates against a standalone JSON Schema file (e.g. Amazon notification schemas). */
export function validateAgainstSchemaFile(relative: string, data: unknown): ValidationResult {
  const schema = JSON.parse(readFileSync(specPath(relative), "utf8")) as Json;
  return result(validatorFor(schema), data);
}
