import { readFile } from "node:fs/promises";
import { run } from "../../src/cli/run.js";

/** Runs the CLI in-process and returns its exit code and what it printed. */
export async function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  extra: { untilStopped?: () => Promise<void>; onStdout?: (text: string) => void } = {},
) {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    stdout: (text) => {
      stdout += text;
      extra.onStdout?.(text);
    },
    stderr: (text) => {
      stderr += text;
    },
    readFile: (path) => readFile(path, "utf8"),
    env,
    ...(extra.untilStopped ? { untilStopped: extra.untilStopped } : {}),
  });
  return { code, stdout, stderr };
}
