/**
 * A Worker bundled as Wrangler bundles it (one ESM file, workerd/worker/browser conditions, no
 * Node compatibility), with `line-responder` and its subpaths resolved to the source as a user's
 * bundler resolves the package. For the tests that run it in Miniflare.
 */
import { build, type Plugin } from "esbuild";

const src = (path: string) => new URL(`../../src/${path}`, import.meta.url).pathname;

const packageSource: Plugin = {
  name: "line-responder-source",
  setup(b) {
    const entries: Record<string, string> = {
      "line-responder": src("index.ts"),
      "line-responder/fetch": src("adapters/fetch.ts"),
      "line-responder/d1": src("stores/d1.ts"),
    };
    b.onResolve({ filter: /^line-responder(\/|$)/ }, (args) => ({ path: entries[args.path] as string }));
  },
};

/** Bundles a Worker from a file, or from source text resolved against `resolveDir`. */
export async function bundleWorker(
  from: { entry: string } | { contents: string; resolveDir: string },
): Promise<string> {
  const result = await build({
    ...("entry" in from
      ? { entryPoints: [from.entry] }
      : { stdin: { contents: from.contents, resolveDir: from.resolveDir, loader: "js" as const } }),
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    plugins: [packageSource],
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}
