import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startJobQueue, type JobQueue } from "../../jobs/boss";
import { stores } from "../../db/schema";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

describe("durable jobs on the app's database", () => {
  let database: TestDatabase;
  let queue: JobQueue;
  beforeAll(async () => {
    database = await createTestDatabase();
    queue = await startJobQueue(database, { supervise: false, schedule: false });
  });
  afterAll(async () => {
    await queue?.stop();
    await database.drop();
  });

  it("GIVEN a transaction that enqueues a job WHEN it commits THEN the job exists with the row", async () => {
    const accountId = randomUUID();
    await database.db.transaction(async (tx) => {
      await tx.insert(stores).values({ platform: "shopify", externalId: "jobs.myshopify.com" });
      await queue.send(tx, "import.poll", { accountId });
    });
    const [job] = await queue.boss.fetch<{ accountId: string; reason: string }>("import.poll");
    expect(job?.data).toEqual({ accountId, reason: "schedule" });
    await queue.boss.complete("import.poll", job!.id);
  });

  it("GIVEN a transaction that enqueues a job WHEN it rolls back THEN neither the row nor the job exist", async () => {
    const accountId = randomUUID();
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(stores).values({ platform: "shopify", externalId: "gone.myshopify.com" });
        await queue.send(tx, "import.poll", { accountId });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await queue.boss.fetch("import.poll")).toEqual([]);
  });

  it("GIVEN a malformed payload WHEN sent THEN it is refused before reaching the queue", async () => {
    await expect(
      queue.send(database.db, "order.process", { orderId: "not-a-uuid", accountId: randomUUID() }),
    ).rejects.toThrow();
  });
});
