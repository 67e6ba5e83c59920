/**
 * classifySendFailure runs on whatever a client threw; a body LINE (or a proxy in front of it)
 * answered with must never make it throw, or a retryable 5xx becomes a crash of the dispatcher.
 */
import { describe, expect, it } from "vitest";
import { classifySendFailure } from "../../src/rewards/send-failure.js";

describe("classifySendFailure: any body", () => {
  it.each([
    ["null", "null"],
    ["a number", "42"],
    ["true", "true"],
    ["an array", "[1, 2]"],
    ["an empty text", ""],
    ["an object whose message is not text", '{"message": 7}'],
  ])("a 502 with %s as its body is a server error", (_, body) => {
    expect(classifySendFailure({ status: 502, body })).toEqual({
      kind: "server-error",
      status: 502,
      message: "HTTP 502",
    });
  });

  it.each([
    ["null", null],
    ["a number", 0],
    ["an array", ["Invalid reply token"]],
  ])("a parsed body of %s is read as no message", (_, body) => {
    expect(classifySendFailure({ status: 400, body })).toEqual({ kind: "refused", status: 400, message: "HTTP 400" });
  });

  it("quotes a body that is not JSON (an HTML error page) as the message", () => {
    expect(classifySendFailure({ status: 503, body: "<html>busy</html>" })).toEqual({
      kind: "server-error",
      status: 503,
      message: "HTTP 503: <html>busy</html>",
    });
  });

  it("still reads LINE's message and the ids of a 409", () => {
    expect(classifySendFailure({ status: 400, body: '{"message":"Invalid reply token"}' }).kind).toBe(
      "invalid-reply-token",
    );
    const accepted = classifySendFailure({ status: 409, body: { message: "dup", sentMessages: [{ id: "1" }] } });
    expect(accepted).toEqual({
      kind: "already-accepted",
      status: 409,
      message: "HTTP 409: dup",
      sentMessageIds: ["1"],
    });
  });
});
