/**
 * The demo's campaign day, from a seed: who writes, in which spelling, who writes twice, and when
 * the operator switches modes. Both runs (the baseline bot and line-responder) replay the same day.
 */
import { seededRandom } from "../testing/emulator/faults.js";
import { userId } from "../testing/events.js";

/** How users really type the keyword プレゼント (and the rule's other keyword, present). */
export const SPELLINGS = [
  "プレゼント",
  "ﾌﾟﾚｾﾞﾝﾄ",
  "ぷれぜんと",
  "プレゼント！",
  "プレゼント🎁",
  " プレゼント ",
  "プレゼント\u3000",
  "ＰＲＥＳＥＮＴ",
  "Present",
  "ﾌﾟﾚｾﾞﾝﾄ!!",
] as const;

/** One message a simulated user sends. */
export interface Say {
  user: string;
  text: string;
}

/** The day: messages in order, and after which message the operator switches Bot -> Chat -> Bot. */
export interface Scenario {
  users: string[];
  says: Say[];
  switchAfter: number;
}

/** 200 users (by default), a fifth of them twice, the switch at 40% of the day. */
export function buildScenario(seed: number, userCount = 200): Scenario {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const users = Array.from({ length: userCount }, (_, i) => userId(`demo-${seed}-${i}`));
  const says: Say[] = users.map((user) => ({ user, text: pick(SPELLINGS) }));
  for (const user of users) if (random() < 0.2) says.push({ user, text: pick(SPELLINGS) });
  // Fisher-Yates: second messages land anywhere in the day, as they do.
  for (let i = says.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [says[i], says[j]] = [says[j] as Say, says[i] as Say];
  }
  return { users, says, switchAfter: Math.floor(says.length * 0.4) };
}
