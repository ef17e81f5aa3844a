import { json } from "@remix-run/node";
import { pingDatabase } from "../../db/client";
import { getServices } from "../services.server";

/** Liveness and readiness: 200 when the database answers, 503 otherwise. No auth, no details. */
export async function loader() {
  const { db, database, logger } = getServices();
  try {
    await pingDatabase(db);
    return json(
      { status: "ok", database: database.kind },
      { headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    logger.error({ err: error }, "health check failed");
    return json(
      { status: "unavailable", database: database.kind },
      { status: 503, headers: { "Cache-Control": "no-store" } },
    );
  }
}
