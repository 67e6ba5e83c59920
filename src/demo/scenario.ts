/**
 * The demo's campaign day, from a seed: who writes, in which spelling, who writes twice, and when
 * the operator switches modes. Both runs (the baseline bot and line-responder) replay the same day.
 */
import { seededRandom } from "../testing/emulator/faults.js";
import { userId } from "../testing/events.js";

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

/**
 * 200 users (by default), a fifth of them twice, each message one of `spellings` (see
 * `spellingsOf`), the switch at 40% of the day.
 */
export function buildScenario(seed: number, spellings: readonly string[], userCount = 200): Scenario {
  if (spellings.length === 0) throw new Error("the demo needs at least one spelling of a keyword");
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  const users = Array.from({ length: userCount }, (_, i) => userId(`demo-${seed}-${i}`));
  const says: Say[] = users.map((user) => ({ user, text: pick(spellings) }));
  for (const user of users) if (random() < 0.2) says.push({ user, text: pick(spellings) });
  // Fisher-Yates: second messages land anywhere in the day, as they do.
  for (let i = says.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [says[i], says[j]] = [says[j] as Say, says[i] as Say];
  }
  return { users, says, switchAfter: Math.floor(says.length * 0.4) };
}
