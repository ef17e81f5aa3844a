/**
 * An admin action's form, read safely. A body that is not a form (JSON, a broken multipart, no
 * Content-Type) or is larger than any of our forms is the client's mistake: it gets a 400 or 413
 * with a sentence, not a 500. Values holding NUL are refused too, since Postgres text cannot store
 * them and the write would fail halfway through the action.
 */
const DEFAULT_MAX_BYTES = 256 * 1024;

export async function readForm(
  request: Request,
  options: { maxBytes?: number } = {},
): Promise<FormData> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const body = await readBody(request, maxBytes);
  let form: FormData;
  try {
    form = await new Request(request.url, {
      method: request.method,
      headers: request.headers,
      body,
    }).formData();
  } catch {
    throw new Response(
      "This action takes a form (application/x-www-form-urlencoded or multipart/form-data).",
      { status: 400 },
    );
  }
  for (const [name, value] of form) {
    if (typeof value === "string" && value.includes("\0")) {
      throw new Response(`The field ${JSON.stringify(name)} holds a NUL character.`, {
        status: 400,
      });
    }
  }
  return form;
}

/** The raw body, stopping as soon as it outgrows `maxBytes` (a chunked body has no length). */
async function readBody(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () =>
    new Response(`This form is larger than ${maxBytes} bytes.`, { status: 413 });
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    // Past the limit the rest is read and dropped, not kept: a client still sending when the
    // connection is cut would never see the 413 (Node's server bounds how long it may send).
    if (size <= maxBytes) chunks.push(value);
  }
  if (size > maxBytes) throw tooLarge();
  return new Uint8Array(Buffer.concat(chunks));
}
