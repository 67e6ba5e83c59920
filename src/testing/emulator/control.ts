/**
 * The control plane, for driving the emulator over HTTP (the standalone CLI, other languages):
 * what a user says, what reached them, and the operator's clicks. Not part of LINE's API.
 */
import type { EventOf } from "../../guards/machine.js";
import type { Profile } from "../../guards/state.js";
import { ModeEventSchema } from "../../guards/state-schema.js";
import { formatPath } from "../../validation/path.js";
import { type Answer, fail } from "./routes/route.js";
import type { Emulator } from "./types.js";

/** Answers one request under `/emulator/`. */
export async function control<P extends Profile>(
  emulator: Emulator<P>,
  method: string,
  pathname: string,
  raw: string,
): Promise<Answer> {
  let body: Record<string, unknown> = {};
  try {
    body = raw === "" ? {} : (JSON.parse(raw) as Record<string, unknown>);
  } catch {
    return fail(400, "the body is not JSON");
  }
  const user = /^\/emulator\/users\/([^/]+)\/(messages|inbox)$/.exec(pathname);
  const userId = user ? decodePathSegment(user[1] as string) : undefined;
  if (user && userId === undefined) {
    return fail(400, `the user id ${JSON.stringify(user[1])} in the path is not valid percent-encoding`);
  }
  if (userId !== undefined && method === "POST" && user?.[2] === "messages") {
    if (typeof body.text !== "string" || body.text === "") return fail(400, 'send { "text": "..." }');
    return { status: 200, body: await emulator.userSays(userId, body.text) };
  }
  if (userId !== undefined && method === "GET" && user?.[2] === "inbox") {
    return { status: 200, body: emulator.inbox(userId) };
  }
  if (pathname === "/emulator/settings" && method === "GET") return { status: 200, body: emulator.settings };
  if (pathname === "/emulator/operator" && method === "POST") {
    const event = ModeEventSchema.safeParse(body);
    if (!event.success) {
      const issue = event.error.issues[0];
      const where = formatPath(issue?.path ?? []);
      return fail(
        400,
        `not a mode event (e.g. { "type": "SWITCH_MODE", "mode": "chat" }): ${where ? `${where}: ` : ""}${issue?.message}`,
      );
    }
    return { status: 200, body: emulator.operator(event.data as EventOf<P>) };
  }
  return fail(
    404,
    "emulator control: POST /emulator/users/{userId}/messages, GET /emulator/users/{userId}/inbox, GET /emulator/settings, POST /emulator/operator",
  );
}

/** A path segment decoded, or `undefined` when its `%` escapes are malformed (`%E0`, `%zz`). */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
