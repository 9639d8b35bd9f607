// Request bodies, bounded: a declared Content-Length over the route's cap is refused before anything is read, and
// the body is read chunk by chunk and abandoned as soon as it passes the cap (a chunked body declares no length).
// The login's cap is a few kilobytes: nobody unauthenticated makes the agent hold more.

/** Largest login body: {"token": ...} with a token of a few hundred characters at most. */
export const MAX_LOGIN_BODY = 4096;
/** Largest body of an action (takeover, standby, fence, monitors). */
export const MAX_ACTION_BODY = 16 * 1024;

/** A JSON object body, or the status and error to answer with. */
export type BodyResult = { ok: true; value: Record<string, unknown> } | { ok: false; status: number; error: string };

/** Read `req`'s body as one JSON object of at most `max` bytes. */
export async function readJsonBody(req: Request, max: number): Promise<BodyResult> {
  const tooBig: BodyResult = { ok: false, status: 413, error: `the request body is over ${max} bytes` };
  const declared = req.headers.get("content-length");
  if (declared !== null && !(Number(declared) <= max)) return tooBig;
  const bytes = await readUpTo(req.body, max);
  if (bytes === null) return tooBig;
  try {
    const v: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof v === "object" && v !== null && !Array.isArray(v))
      return { ok: true, value: v as Record<string, unknown> };
  } catch {
    // not JSON
  }
  return { ok: false, status: 400, error: "expected a JSON object body" };
}

/** The whole stream when it holds at most `max` bytes, else null (the rest is not read). */
export async function readUpTo(body: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array | null> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let got = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got += value.length;
      if (got > max) {
        reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(value);
    }
  } catch {
    return null;
  }
  return new Uint8Array(Buffer.concat(chunks));
}
