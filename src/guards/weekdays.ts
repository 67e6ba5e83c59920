/** The days response hours are set for; a module of its own so the schemas and the machine share it without zod. */

/** Days of the week, in the account's time zone. */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
/** A day of the week. */
export type Weekday = (typeof WEEKDAYS)[number];
