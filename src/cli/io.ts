/** What a command may touch, passed in so tests run commands in-process with captured output. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readFile: (path: string) => Promise<string>;
  /** Environment variables (the channel access token of `modes check`). */
  env: Readonly<Record<string, string | undefined>>;
  /** The package's version, printed by `--version`. */
  version?: string;
  /** Resolves when a long-running command (`emulator`) should stop: Ctrl-C in a terminal, the test's say-so in tests. */
  untilStopped?: () => Promise<void>;
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A problem with the user's input (a file that cannot be read): printed as one line, exit code 1. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/** The LINE API could not be read (network, token): printed as one line, exit code 3. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    message: string,
    /** The HTTP status LINE answered, when it answered (404: no webhook URL is set). */
    readonly status?: number,
  ) {
    super(message);
  }
}
