/** A store that cannot reach its server: one line, naming the URL and the reason. */
export class StoreConnectionError extends Error {
  override readonly name = "StoreConnectionError";
}
