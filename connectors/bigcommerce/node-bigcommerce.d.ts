/** Types for the parts of node-bigcommerce v4 (plain CommonJS, no typings) that we use. */
declare module "node-bigcommerce/lib/request" {
  import type { Agent } from "node:http";

  export default class Request {
    constructor(
      hostname: string,
      options?: {
        headers?: Record<string, string>;
        failOnLimitReached?: boolean;
        agent?: Agent | null;
      },
    );
    run(method: string, path: string, data?: unknown): Promise<unknown>;
  }
}

declare module "node-bigcommerce" {
  export interface BigCommerceConfig {
    clientId?: string;
    secret?: string;
    callback?: string;
    accessToken?: string;
    storeHash?: string;
    responseType?: "json" | "xml";
    failOnLimitReached?: boolean;
    apiVersion?: "v2" | "v3";
  }

  export default class BigCommerce {
    constructor(config: BigCommerceConfig);
    /** Verifies the legacy `signed_payload` (base64 JSON + "." + base64 hex HMAC-SHA256). */
    verify(signedRequest: string): unknown;
    authorize(query: { code: string; scope: string; context: string }): Promise<unknown>;
  }
}
