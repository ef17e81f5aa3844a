import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startBigCommerceSimulator,
  type BigCommerceSimulator,
} from "../../../test/simulators/bigcommerce";

/** The simulator's `/__admin` API, as the demo and a merchant's developer use it over HTTP. */
let sim: BigCommerceSimulator;
const json = async (
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
};

beforeAll(async () => {
  sim = await startBigCommerceSimulator({ scale: 100 });
});
afterAll(async () => {
  await sim.stop();
});

describe("BigCommerce simulator admin API", () => {
  it("GIVEN a store, a product and an app seeded over HTTP WHEN a merchant installs, orders and ships THEN the real API paths see it all and webhooks go out", async () => {
    await json("POST", "/__admin/reset");
    expect((await json("POST", "/__admin/stores", { hash: "h1", currency: "EUR" })).status).toBe(
      200,
    );
    const product = (
      await json("POST", "/__admin/stores/h1/products", {
        name: "Tee",
        price: 20,
        variants: [{ sku: "TEE-S", inventory_level: 3 }],
      })
    ).body as { id: number; variants: { id: number }[] };
    await json("POST", "/__admin/apps", {
      clientId: "c1",
      clientSecret: "s1",
      redirectUri: "https://a/cb",
    });
    const code = (await json("POST", "/__admin/apps/c1/auth-codes", { store_hash: "h1" })).body as {
      code: string;
      scope: string;
      context: string;
    };
    const token = await json("POST", "/oauth2/token", {
      client_id: "c1",
      client_secret: "s1",
      redirect_uri: "https://a/cb",
      grant_type: "authorization_code",
      ...code,
    });
    expect(token.status).toBe(200);
    const auth = { "x-auth-token": (token.body as { access_token: string }).access_token };

    const unauthorized = await json("GET", "/stores/h1/v2/orders");
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toEqual([
      { status: 401, message: "No valid credentials were found in this request." },
    ]);

    const hook = await json(
      "POST",
      "/stores/h1/v3/hooks",
      {
        scope: "store/shipment/*",
        destination: `${sim.url}/__admin/webhook-sink`,
        is_active: true,
        headers: { "X-Secret": "x" },
      },
      auth,
    );
    expect(hook.status).toBe(200);

    const created = await json(
      "POST",
      "/stores/h1/v2/orders",
      {
        customer_id: 0,
        billing_address: { first_name: "A", zip: "75001", country_iso2: "FR" },
        products: [{ product_id: product.id, variant_id: product.variants[0]!.id, quantity: 1 }],
        default_currency_code: "EUR",
        external_source: "demo",
        external_order_id: "X-1",
      },
      auth,
    );
    expect(created.status).toBe(200);
    expect(created.headers.get("x-rate-limit-requests-quota")).toBe("150");
    const orderId = (created.body as { id: number; total_inc_tax: string }).id;
    expect((created.body as { total_inc_tax: string }).total_inc_tax).toBe("20.0000");

    const found = await json("GET", "/stores/h1/v2/orders?external_order_id=X-1", undefined, auth);
    expect((found.body as { id: number }[]).map((o) => o.id)).toEqual([orderId]);
    expect(
      (await json("GET", "/stores/h1/v2/orders?external_order_id=nope", undefined, auth)).status,
    ).toBe(204);

    const orders = (await json("GET", "/__admin/stores/h1/orders")).body as {
      orders: { products: { id: number }[] }[];
    };
    const shipment = await json("POST", `/__admin/stores/h1/orders/${orderId}/shipments`, {
      tracking_number: "TRACK1",
      shipping_provider: "",
      tracking_carrier: "colissimo",
      items: [{ order_product_id: orders.orders[0]!.products[0]!.id, quantity: 1 }],
    });
    expect(shipment.status).toBe(200);
    const deliveries = (await json("GET", "/__admin/stores/h1/deliveries")).body as {
      deliveries: { scope: string; status: number; headers: Record<string, string> }[];
    };
    expect(deliveries.deliveries).toEqual([
      expect.objectContaining({
        scope: "store/shipment/created",
        status: 200,
        headers: expect.objectContaining({ "X-Secret": "x" }),
      }),
    ]);

    const sink = (await json("GET", "/__admin/webhook-sink")).body as {
      received: { headers: Record<string, string>; body: { scope: string; producer: string } }[];
    };
    expect(
      sink.received.map((r) => [r.headers["x-secret"], r.body.scope, r.body.producer]),
    ).toEqual([["x", "store/shipment/created", "stores/h1"]]);

    const manual = await json("POST", "/__admin/stores/h1/webhooks", {
      scope: "store/shipment/updated",
      data: { type: "shipment", id: 1, orderId },
    });
    expect((manual.body as { deliveries: unknown[] }).deliveries).toHaveLength(1);

    const fault = await json("POST", "/__admin/faults", {
      operation: "getOrder",
      kind: "status",
      status: 502,
    });
    expect(fault.status).toBe(201);
    expect((await json("GET", `/stores/h1/v2/orders/${orderId}`, undefined, auth)).status).toBe(
      502,
    );
    expect((await json("GET", `/stores/h1/v2/orders/${orderId}`, undefined, auth)).status).toBe(
      200,
    );

    const bad = await json("POST", "/__admin/stores/nope/products", {
      name: "x",
      price: 1,
      variants: [],
    });
    expect(bad).toMatchObject({ status: 400, body: { error: "no simulated store nope" } });
  });

  it("GIVEN a write with a read-only field WHEN posted THEN BigCommerce's v2 400 array names the field", async () => {
    sim.reset();
    sim.createStore({ hash: "h2", tokens: [{ token: "t" }] });
    const res = await json(
      "POST",
      "/stores/h2/v2/orders",
      { id: 5, billing_address: { zip: "1", country_iso2: "US" }, products: [] },
      { "x-auth-token": "t" },
    );
    expect(res).toMatchObject({
      status: 400,
      body: [
        {
          status: 400,
          message:
            "The field 'id' cannot be written to. Please remove it from your request before trying again.",
        },
      ],
    });
  });
});
