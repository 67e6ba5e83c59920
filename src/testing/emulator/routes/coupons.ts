/** Coupons: create, list (by status), get one, close. */
import type { Profile } from "../../../guards/state.js";
import type { Account } from "../account.js";
import { CouponCreateRequestSchema, checkRequest } from "../requests.js";
import { fail, type Route } from "./route.js";

/** The coupon routes of `account`. */
export function couponRoutes<P extends Profile>(account: Account<P>): Route[] {
  const { coupons } = account;
  return [
    {
      method: "POST",
      pattern: /^\/v2\/bot\/coupon$/,
      handle: ({ body }) => {
        const checked = checkRequest(CouponCreateRequestSchema, body);
        if (!checked.ok) return { status: 400, body: checked.error };
        const couponId = `coupon-${coupons.size + 1}`;
        coupons.set(couponId, { couponId, status: "RUNNING", request: checked.value, createdAt: account.now() });
        return { status: 200, body: { couponId } };
      },
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/coupon$/,
      handle: ({ query }) => ({
        status: 200,
        body: {
          items: [...coupons.values()]
            .filter((c) => !query.get("status") || query.get("status")?.split(",").includes(c.status))
            .map((c) => ({
              couponId: c.couponId,
              title: (c.request as { title?: string }).title,
              status: c.status,
            })),
        },
      }),
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/coupon\/([^/?]+)$/,
      handle: ({ params }) => {
        const coupon = coupons.get(params[0] as string);
        if (!coupon) return fail(404, "Coupon not found");
        return {
          status: 200,
          body: {
            ...(coupon.request as object),
            couponId: coupon.couponId,
            status: coupon.status,
            createdTimestamp: coupon.createdAt,
          },
        };
      },
    },
    {
      method: "PUT",
      pattern: /^\/v2\/bot\/coupon\/([^/?]+)\/close$/,
      handle: ({ params }) => {
        const coupon = coupons.get(params[0] as string);
        if (!coupon) return fail(404, "Coupon not found");
        coupon.status = "CLOSED";
        return { status: 200, body: {} };
      },
    },
  ];
}
