import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { z } from "zod";
import {
  CouponCreateRequestSchema,
  checkRequest,
  type LineErrorBody,
  MulticastRequestSchema,
  PushRequestSchema,
  ReplyRequestSchema,
  SetWebhookEndpointRequestSchema,
  TestWebhookEndpointRequestSchema,
} from "../../src/testing/emulator/requests.js";

// LINE's own description of the API is the reference these schemas were written from; the tests
// read it, so a constraint LINE changes there shows up here.
const spec: unknown = parse(
  readFileSync(new URL("../fixtures/line-openapi/messaging-api.yml", import.meta.url), "utf8"),
);

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value);

function at(node: unknown, ...keys: string[]): unknown {
  let value = node;
  for (const key of keys) {
    if (!isNode(value)) return undefined;
    value = value[key];
  }
  return value;
}

function deref(node: unknown): unknown {
  let value = node;
  while (isNode(value) && typeof value.$ref === "string") {
    value = at(spec, ...value.$ref.replace(/^#\//, "").split("/"));
  }
  return value;
}

function component(name: string): Node {
  const schema = at(spec, "components", "schemas", name);
  if (!isNode(schema)) throw new Error(`messaging-api.yml has no schema ${name}`);
  return schema;
}

/** A schema's own members and those of its `allOf` parts (the YAML's way of extending a base). */
function members(schema: unknown): Node[] {
  const node = deref(schema);
  if (!isNode(node)) return [];
  const parts = Array.isArray(node.allOf) ? node.allOf.flatMap(members) : [];
  return [node, ...parts];
}

function requiredOf(schema: unknown): string[] {
  return members(schema).flatMap((m) => (Array.isArray(m.required) ? m.required.map(String) : []));
}

function propertiesOf(schema: unknown): Node {
  return Object.assign({}, ...members(schema).map((m) => (isNode(m.properties) ? m.properties : {})));
}

function enumOf(schema: unknown, property: string): string[] {
  const values = at(propertiesOf(schema)[property], "enum");
  if (!Array.isArray(values)) throw new Error(`no enum for ${property}`);
  return values.map(String);
}

function mappingOf(name: string): string[] {
  const mapping = at(component(name), "discriminator", "mapping");
  if (!isNode(mapping)) throw new Error(`${name} has no discriminator mapping`);
  return Object.keys(mapping);
}

const jsonBody = (path: string, method: string) =>
  at(spec, "paths", path, method, "requestBody", "content", "application/json");

/**
 * Every whole-body example the YAML gives for an operation: on the request body's media type
 * (`example`, `examples.*.value`) and on the component schema it references (`example`, `examples`).
 */
function requestExamples(path: string, method: string): unknown[] {
  const media = jsonBody(path, method);
  const found: unknown[] = [];
  const collect = (node: unknown) => {
    if (!isNode(node)) return;
    if ("example" in node) found.push(node.example);
    const examples = node.examples;
    if (Array.isArray(examples)) found.push(...examples);
    else if (isNode(examples)) for (const e of Object.values(examples)) found.push(isNode(e) ? e.value : e);
  };
  collect(media);
  for (const m of members(at(media, "schema"))) collect(m);
  return found;
}

function refused(schema: z.ZodType<unknown>, body: unknown): NonNullable<LineErrorBody["details"]> {
  const result = checkRequest(schema, body);
  if (result.ok) throw new Error(`expected ${JSON.stringify(body).slice(0, 200)} to be refused`);
  expect(result.error.message).toBe(`The request body has ${result.error.details?.length} error(s)`);
  return result.error.details ?? [];
}

const propertiesIn = (details: { property: string }[]) => details.map((d) => d.property);

function accepted(schema: z.ZodType<unknown>, body: unknown): void {
  const result = checkRequest(schema, body);
  expect(result.ok ? "accepted" : result.error).toBe("accepted");
}

const text = (t = "Hello") => ({ type: "text", text: t });
const userId = (n: number) => `U${n.toString(16).padStart(32, "0")}`;

// messaging-api.yml gives no request-body example for any of these six operations (its examples
// are on responses, and on two mark-as-read requests), so each has one valid body written by hand
// from the schema. Examples LINE adds later are picked up by requestExamples and checked too.
const validCoupon = {
  title: "Friends-only 100 yen off",
  description: "Show this screen to the staff.",
  usageCondition: "One per purchase",
  reward: { type: "discount", priceInfo: { type: "fixed", fixedAmount: 100 } },
  acquisitionCondition: { type: "normal" },
  startTimestamp: 1754006400,
  endTimestamp: 1924959599,
  imageUrl: "https://example.com/coupon.jpg",
  maxUseCountPerTicket: 1,
  visibility: "UNLISTED",
  timezone: "ASIA_TOKYO",
};

const endpoints: {
  path: string;
  method: string;
  component: string;
  schema: z.ZodType<unknown>;
  valid: Node;
}[] = [
  {
    path: "/v2/bot/message/reply",
    method: "post",
    component: "ReplyMessageRequest",
    schema: ReplyRequestSchema,
    valid: { replyToken: "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", messages: [text()], notificationDisabled: false },
  },
  {
    path: "/v2/bot/message/push",
    method: "post",
    component: "PushMessageRequest",
    schema: PushRequestSchema,
    valid: { to: userId(1), messages: [text()], notificationDisabled: true, customAggregationUnits: ["spring_sale"] },
  },
  {
    path: "/v2/bot/message/multicast",
    method: "post",
    component: "MulticastRequest",
    schema: MulticastRequestSchema,
    valid: { to: [userId(1), userId(2)], messages: [text()], customAggregationUnits: ["spring_sale"] },
  },
  {
    path: "/v2/bot/channel/webhook/endpoint",
    method: "put",
    component: "SetWebhookEndpointRequest",
    schema: SetWebhookEndpointRequestSchema,
    valid: { endpoint: "https://example.com/webhook" },
  },
  {
    path: "/v2/bot/channel/webhook/test",
    method: "post",
    component: "TestWebhookEndpointRequest",
    schema: TestWebhookEndpointRequestSchema,
    valid: { endpoint: "https://example.com/webhook" },
  },
  {
    path: "/v2/bot/coupon",
    method: "post",
    component: "CouponCreateRequest",
    schema: CouponCreateRequestSchema,
    valid: validCoupon,
  },
];

describe("request bodies, against messaging-api.yml", () => {
  it("finds request examples where the YAML has them (so finding none below is a fact, not a bug)", () => {
    expect(requestExamples("/v2/bot/message/markAsRead", "post")).toEqual([
      { chat: { userId: "Uxxxxxxxxxxxxxxxxxx" } },
    ]);
  });

  describe.each(endpoints)("$method $path", ({ path, method, component: name, schema, valid }) => {
    it(`is described by ${name}`, () => {
      expect(at(jsonBody(path, method), "schema", "$ref")).toBe(`#/components/schemas/${name}`);
    });

    it("accepts every request example the YAML gives", () => {
      for (const example of requestExamples(path, method)) accepted(schema, example);
    });

    it("accepts the hand-written body, which uses only the YAML's properties and sets every required one", () => {
      const declared = Object.keys(propertiesOf(component(name)));
      expect(declared.length).toBeGreaterThan(0);
      for (const key of Object.keys(valid)) expect(declared).toContain(key);
      for (const key of requiredOf(component(name))) expect(Object.keys(valid)).toContain(key);
      accepted(schema, valid);
    });

    it("refuses the body without each required property, naming it", () => {
      for (const key of requiredOf(component(name))) {
        const { [key]: _dropped, ...rest } = valid;
        expect(refused(schema, rest)).toEqual([{ message: "must be specified", property: key }]);
      }
    });

    it("ignores properties LINE does not know", () => {
      accepted(schema, { ...valid, somethingNew: { nested: true } });
    });

    it.each([null, "text", 42, true, [], [valid], undefined])("answers %j without details: not an object", (body) => {
      expect(checkRequest(schema, body)).toEqual({ ok: false, error: { message: "The request body is invalid" } });
    });
  });
});

describe.each<{ name: string; schema: z.ZodType<unknown>; base: Node }>([
  { name: "reply", schema: ReplyRequestSchema, base: { replyToken: "token" } },
  { name: "push", schema: PushRequestSchema, base: { to: userId(1) } },
  { name: "multicast", schema: MulticastRequestSchema, base: { to: [userId(1)] } },
])("$name messages", ({ schema, base }) => {
  it("accepts 1 to 5 messages", () => {
    accepted(schema, { ...base, messages: [text()] });
    accepted(schema, { ...base, messages: [1, 2, 3, 4, 5].map((n) => text(`m${n}`)) });
  });

  it("refuses no message and 6 messages at `messages`", () => {
    const expected = [{ message: "Size must be between 1 and 5", property: "messages" }];
    expect(refused(schema, { ...base, messages: [] })).toEqual(expected);
    expect(refused(schema, { ...base, messages: [1, 2, 3, 4, 5, 6].map((n) => text(`m${n}`)) })).toEqual(expected);
  });

  it("refuses a bad message object at its own property, with LineMessageSchema's rules", () => {
    accepted(schema, { ...base, messages: [text("あ".repeat(5000))] });
    expect(refused(schema, { ...base, messages: [text("あ".repeat(5001))] })).toEqual([
      { message: "Length must be between 0 and 5000", property: "messages[0].text" },
    ]);
    expect(propertiesIn(refused(schema, { ...base, messages: [text(), text(), { type: "text" }] }))).toEqual([
      "messages[2].text",
    ]);
  });

  it("counts every error and keeps reporting the size when a message is also bad", () => {
    const result = checkRequest(schema, {
      ...base,
      messages: [
        text(""),
        { type: "image", originalContentUrl: "http://example.com/a.jpg" },
        ...[1, 2, 3, 4].map(() => text()),
      ],
    });
    expect(result).toMatchObject({ ok: false, error: { message: "The request body has 4 error(s)" } });
    expect(result.ok ? [] : result.error.details).toEqual([
      { message: "May not be empty", property: "messages[0].text" },
      expect.objectContaining({ property: "messages[1].originalContentUrl" }),
      { message: "must be specified", property: "messages[1].previewImageUrl" },
      { message: "Size must be between 1 and 5", property: "messages" },
    ]);
  });

  it("refuses a message type LINE does not send, listing the ones it does", () => {
    const [detail] = refused(schema, { ...base, messages: [{ type: "html", body: "<p>" }] });
    expect(detail?.property).toBe("messages[0].type");
    expect(detail?.message).toMatch(/^Must be one of the following values: \[text, textV2, image, .*coupon\]$/);
  });

  it("refuses a notificationDisabled that is not a boolean", () => {
    expect(propertiesIn(refused(schema, { ...base, messages: [text()], notificationDisabled: "yes" }))).toEqual([
      "notificationDisabled",
    ]);
  });
});

describe("message objects the YAML defines", () => {
  // One minimal valid object per type in the YAML's Message discriminator mapping.
  const minimal: Record<string, Node> = {
    text: text(),
    textV2: {
      type: "textV2",
      text: "Hi {user} {smile}",
      substitution: {
        user: { type: "mention", mentionee: { type: "user", userId: "U4af4980629e0d9c3e2f5d8a5b1c2d3e4" } },
        smile: { type: "emoji", productId: "5ac1bfd5040ab15980c9b435", emojiId: "002" },
      },
    },
    sticker: { type: "sticker", packageId: "446", stickerId: "1988" },
    image: {
      type: "image",
      originalContentUrl: "https://example.com/a.jpg",
      previewImageUrl: "https://example.com/a-small.jpg",
    },
    video: {
      type: "video",
      originalContentUrl: "https://example.com/a.mp4",
      previewImageUrl: "https://example.com/a.jpg",
    },
    audio: { type: "audio", originalContentUrl: "https://example.com/a.m4a", duration: 60000 },
    location: { type: "location", title: "Shop", address: "Tokyo", latitude: 35.68, longitude: 139.76 },
    imagemap: {
      type: "imagemap",
      baseUrl: "https://example.com/imagemap",
      altText: "Menu",
      baseSize: { width: 1040, height: 1040 },
      actions: [{ type: "uri", linkUri: "https://example.com", area: { x: 0, y: 0, width: 520, height: 1040 } }],
    },
    template: {
      type: "template",
      altText: "Confirm",
      template: {
        type: "confirm",
        text: "Sure?",
        actions: [
          { type: "message", label: "Yes", text: "yes" },
          { type: "message", label: "No", text: "no" },
        ],
      },
    },
    flex: {
      type: "flex",
      altText: "Card",
      contents: { type: "bubble", body: { type: "box", layout: "vertical", contents: [] } },
    },
    coupon: { type: "coupon", couponId: "01JYNW8JMQVFBRSBWGAX5EX1YH", deliveryTag: "spring" },
  };
  const notYetKnown: string[] = [];

  it("has a minimal object for every type but the known gaps", () => {
    expect(Object.keys(minimal).sort()).toEqual(
      mappingOf("Message")
        .filter((t) => !notYetKnown.includes(t))
        .sort(),
    );
  });

  it.each(Object.entries(minimal))("accepts a %s message in a reply", (_type, message) => {
    accepted(ReplyRequestSchema, { replyToken: "token", messages: [message] });
  });

  it("refuses a textV2 message whose substitution is of no known type", () => {
    const body = {
      replyToken: "token",
      messages: [{ type: "textV2", text: "Hi {name}", substitution: { name: { type: "sticker" } } }],
    };
    expect(checkRequest(ReplyRequestSchema, body)).toMatchObject({ ok: false });
  });
});

describe("multicast recipients", () => {
  const body = (to: unknown) => ({ to, messages: [text()] });

  it("accepts 1 to 500 user IDs", () => {
    accepted(MulticastRequestSchema, body([userId(1)]));
    accepted(MulticastRequestSchema, body(Array.from({ length: 500 }, (_, i) => userId(i))));
  });

  it("refuses no user ID and 501 at `to`", () => {
    const expected = [{ message: "Size must be between 1 and 500", property: "to" }];
    expect(refused(MulticastRequestSchema, body([]))).toEqual(expected);
    expect(refused(MulticastRequestSchema, body(Array.from({ length: 501 }, (_, i) => userId(i))))).toEqual(expected);
  });

  it("refuses a recipient that is not a string at its index", () => {
    expect(propertiesIn(refused(MulticastRequestSchema, body([userId(1), 2])))).toEqual(["to[1]"]);
  });
});

describe("customAggregationUnits", () => {
  const multicast = (units: unknown) => ({ to: [userId(1)], messages: [text()], customAggregationUnits: units });

  it("on multicast: at most 1 unit of 1 to 30 letters, digits or underscores", () => {
    accepted(MulticastRequestSchema, multicast(["a".repeat(30)]));
    accepted(MulticastRequestSchema, multicast([]));
    expect(refused(MulticastRequestSchema, multicast(["a", "b"]))).toEqual([
      { message: "Size must be between 0 and 1", property: "customAggregationUnits" },
    ]);
    expect(propertiesIn(refused(MulticastRequestSchema, multicast(["a".repeat(31)])))).toContain(
      "customAggregationUnits[0]",
    );
    expect(refused(MulticastRequestSchema, multicast(["spring-sale"]))).toEqual([
      { message: 'Must match "^[a-zA-Z0-9_]{1,30}$"', property: "customAggregationUnits[0]" },
    ]);
  });

  it("on push: any list of strings, as the YAML sets no limit there", () => {
    expect(at(propertiesOf(component("PushMessageRequest")), "customAggregationUnits", "maxItems")).toBeUndefined();
    accepted(PushRequestSchema, { to: userId(1), messages: [text()], customAggregationUnits: ["spring-sale", "b"] });
    expect(
      propertiesIn(refused(PushRequestSchema, { to: userId(1), messages: [text()], customAggregationUnits: [1] })),
    ).toEqual(["customAggregationUnits[0]"]);
  });
});

describe.each([
  { name: "set webhook endpoint", schema: SetWebhookEndpointRequestSchema, component: "SetWebhookEndpointRequest" },
  { name: "test webhook endpoint", schema: TestWebhookEndpointRequestSchema, component: "TestWebhookEndpointRequest" },
])("$name", ({ schema, component: name }) => {
  const maxLength = Number(at(propertiesOf(component(name)), "endpoint", "maxLength"));

  it("takes the 500-character limit from the YAML", () => {
    expect(maxLength).toBe(500);
  });

  it("accepts an https URL up to the limit", () => {
    const url = "https://example.com/";
    accepted(schema, { endpoint: url + "a".repeat(maxLength - url.length) });
  });

  it("refuses an endpoint over the limit", () => {
    const url = "https://example.com/";
    expect(refused(schema, { endpoint: url + "a".repeat(maxLength - url.length + 1) })).toEqual([
      { message: `Length must be between 0 and ${maxLength}`, property: "endpoint" },
    ]);
  });

  it.each(["http://example.com/webhook", "example.com/webhook", "", "https://", "ftp://example.com"])(
    "refuses %j: not an https URL",
    (endpoint) => {
      expect(refused(schema, { endpoint })).toEqual([{ message: "must be a valid HTTPS URL", property: "endpoint" }]);
    },
  );
});

describe("test webhook endpoint without an endpoint", () => {
  it("accepts an empty object: LINE then tests the URL already set", () => {
    expect(checkRequest(TestWebhookEndpointRequestSchema, {})).toEqual({ ok: true, value: {} });
  });
});

describe("create coupon", () => {
  const coupon = component("CouponCreateRequest");
  const withCoupon = (change: Node) => ({ ...validCoupon, ...change });

  it.each(["visibility", "timezone"])("accepts every %s the YAML lists and refuses another", (property) => {
    const values = enumOf(coupon, property);
    expect(values.length).toBeGreaterThan(1);
    for (const value of values) accepted(CouponCreateRequestSchema, withCoupon({ [property]: value }));
    expect(refused(CouponCreateRequestSchema, withCoupon({ [property]: "Asia/Tokyo" }))).toEqual([
      { message: `Must be one of the following values: [${values.join(", ")}]`, property },
    ]);
  });

  const limited = Object.entries(propertiesOf(coupon)).filter(([, p]) => isNode(p) && typeof p.maxLength === "number");

  it("has the string limits the YAML gives (title, description, usageCondition)", () => {
    expect(limited.map(([key]) => key).sort()).toEqual(["description", "title", "usageCondition"]);
  });

  it.each(limited)("accepts %s at its maxLength and refuses one more character", (property, schema) => {
    const max = Number(at(schema, "maxLength"));
    accepted(CouponCreateRequestSchema, withCoupon({ [property]: "x".repeat(max) }));
    expect(refused(CouponCreateRequestSchema, withCoupon({ [property]: "x".repeat(max + 1) }))).toEqual([
      { message: `Length must be between 0 and ${max}`, property },
    ]);
  });

  it("refuses an empty title (minLength 1) but not an empty description (minLength 0)", () => {
    expect(at(coupon, "properties", "title", "minLength")).toBe(1);
    expect(refused(CouponCreateRequestSchema, withCoupon({ title: "" }))).toEqual([
      { message: "May not be empty", property: "title" },
    ]);
    accepted(CouponCreateRequestSchema, withCoupon({ description: "", usageCondition: "" }));
  });

  it("refuses timestamps that are not whole numbers", () => {
    expect(
      propertiesIn(refused(CouponCreateRequestSchema, withCoupon({ startTimestamp: 1.5, endTimestamp: "1924959599" }))),
    ).toEqual(["endTimestamp", "startTimestamp"]);
  });

  it("allows maxUseCountPerTicket up to 1, with -1 for no limit", () => {
    accepted(CouponCreateRequestSchema, withCoupon({ maxUseCountPerTicket: -1 }));
    expect(refused(CouponCreateRequestSchema, withCoupon({ maxUseCountPerTicket: 2 }))).toEqual([
      { message: "Must be less than or equal to 1", property: "maxUseCountPerTicket" },
    ]);
  });

  describe("acquisitionCondition", () => {
    const lottery: Node = { type: "lottery", lotteryProbability: 50, maxAcquireCount: 1000 };

    it("accepts each type of the YAML's discriminator mapping", () => {
      expect(mappingOf("AcquisitionConditionRequest").sort()).toEqual(["lottery", "normal"]);
      accepted(CouponCreateRequestSchema, withCoupon({ acquisitionCondition: { type: "normal" } }));
      accepted(CouponCreateRequestSchema, withCoupon({ acquisitionCondition: lottery }));
    });

    it("refuses another type, and a missing one", () => {
      // "referral" exists only in the response schema.
      expect(refused(CouponCreateRequestSchema, withCoupon({ acquisitionCondition: { type: "referral" } }))).toEqual([
        { message: "Must be one of the following values: [normal, lottery]", property: "acquisitionCondition.type" },
      ]);
      expect(refused(CouponCreateRequestSchema, withCoupon({ acquisitionCondition: {} }))).toEqual([
        { message: "must be specified", property: "acquisitionCondition.type" },
      ]);
    });

    it("refuses a lottery without each property the YAML requires of it", () => {
      const required = requiredOf(component("LotteryAcquisitionConditionRequest")).filter((k) => k !== "type");
      expect(required.sort()).toEqual(["lotteryProbability", "maxAcquireCount"]);
      for (const key of required) {
        const { [key]: _dropped, ...rest } = lottery;
        expect(refused(CouponCreateRequestSchema, withCoupon({ acquisitionCondition: rest }))).toEqual([
          { message: "must be specified", property: `acquisitionCondition.${key}` },
        ]);
      }
    });

    it("keeps lotteryProbability within 1..99 and maxAcquireCount at most 999999 (-1: no limit)", () => {
      for (const ok of [1, 99]) {
        accepted(
          CouponCreateRequestSchema,
          withCoupon({ acquisitionCondition: { ...lottery, lotteryProbability: ok } }),
        );
      }
      accepted(CouponCreateRequestSchema, withCoupon({ acquisitionCondition: { ...lottery, maxAcquireCount: -1 } }));
      accepted(
        CouponCreateRequestSchema,
        withCoupon({ acquisitionCondition: { ...lottery, maxAcquireCount: 999999 } }),
      );
      for (const bad of [0, 100, 50.5]) {
        expect(
          propertiesIn(
            refused(
              CouponCreateRequestSchema,
              withCoupon({ acquisitionCondition: { ...lottery, lotteryProbability: bad } }),
            ),
          ),
        ).toEqual(["acquisitionCondition.lotteryProbability"]);
      }
      expect(
        refused(
          CouponCreateRequestSchema,
          withCoupon({ acquisitionCondition: { ...lottery, maxAcquireCount: 1000000 } }),
        ),
      ).toEqual([
        { message: "Must be less than or equal to 999999", property: "acquisitionCondition.maxAcquireCount" },
      ]);
    });
  });

  describe("reward", () => {
    it("accepts each type of the YAML's discriminator mapping", () => {
      const types = mappingOf("CouponRewardRequest");
      expect(types.sort()).toEqual(["cashBack", "discount", "free", "gift", "others"]);
      for (const type of types) accepted(CouponCreateRequestSchema, withCoupon({ reward: { type } }));
      accepted(CouponCreateRequestSchema, { ...validCoupon, reward: undefined });
    });

    it("refuses another type", () => {
      expect(refused(CouponCreateRequestSchema, withCoupon({ reward: { type: "points" } }))).toEqual([
        {
          message: "Must be one of the following values: [cashBack, discount, free, gift, others]",
          property: "reward.type",
        },
      ]);
    });

    it.each([
      ["cashBack", "CashBackPriceInfoRequest"],
      ["discount", "DiscountPriceInfoRequest"],
    ])("accepts each %s priceInfo type of %s and refuses another", (rewardType, priceInfo) => {
      const types = mappingOf(priceInfo);
      for (const type of types) {
        accepted(CouponCreateRequestSchema, withCoupon({ reward: { type: rewardType, priceInfo: { type } } }));
      }
      expect(
        refused(CouponCreateRequestSchema, withCoupon({ reward: { type: rewardType, priceInfo: { type: "bogo" } } })),
      ).toEqual([
        { message: `Must be one of the following values: [${types.join(", ")}]`, property: "reward.priceInfo.type" },
      ]);
    });

    it("refuses an explicit price on a cash-back reward (only discounts have one)", () => {
      expect(mappingOf("CashBackPriceInfoRequest")).not.toContain("explicit");
      expect(
        propertiesIn(
          refused(
            CouponCreateRequestSchema,
            withCoupon({ reward: { type: "cashBack", priceInfo: { type: "explicit" } } }),
          ),
        ),
      ).toEqual(["reward.priceInfo.type"]);
    });

    it("keeps percentages within 1..99 and amounts whole", () => {
      const reward = (priceInfo: Node) => withCoupon({ reward: { type: "discount", priceInfo } });
      accepted(CouponCreateRequestSchema, reward({ type: "percentage", percentage: 99 }));
      accepted(CouponCreateRequestSchema, reward({ type: "explicit", priceAfterDiscount: 800, originalPrice: 1000 }));
      expect(refused(CouponCreateRequestSchema, reward({ type: "percentage", percentage: 0 }))).toEqual([
        { message: "Must be greater than or equal to 1", property: "reward.priceInfo.percentage" },
      ]);
      expect(
        propertiesIn(
          refused(
            CouponCreateRequestSchema,
            withCoupon({ reward: { type: "cashBack", priceInfo: { type: "percentage", percentage: 100 } } }),
          ),
        ),
      ).toEqual(["reward.priceInfo.percentage"]);
      expect(propertiesIn(refused(CouponCreateRequestSchema, reward({ type: "fixed", fixedAmount: 99.5 })))).toEqual([
        "reward.priceInfo.fixedAmount",
      ]);
    });
  });
});
