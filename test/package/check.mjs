#!/usr/bin/env node
// The consumer contract of the packed package: `npm run check:package` builds, then runs this.
// It packs the tarball into a temporary folder, runs publint and attw on it, installs it into
// temporary copies of the fixture projects under test/package/fixtures (never into this
// repository), and checks what a user gets: ESM and CommonJS loads of every entry, with and without
// the optional peers; TypeScript with moduleResolution node16, nodenext and bundler; a
// Workers-style esbuild bundle with no node: import and no require(; the docs' TypeScript snippets
// compiled against the installed tarball. One line per check.
//
//   node test/package/check.mjs [--keep]   (--keep: leave the temporary folder; kept on failure too)
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { KNOWN_SNIPPET_FAILURES } from "../docs/snippet-known-failures.mjs";
import { againstKnown, docFiles, docSnippets, typeCheck, writeSnippetProject } from "../docs/snippets.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = join(root, "test/package/fixtures");
const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8"));
const entries = Object.keys(JSON.parse(await readFile(join(fixtures, "shared/exports.json"), "utf8")));
const subpaths = entries.filter((e) => e !== pkg.name);
const keep = process.argv.includes("--keep");

/** Runs a command; never throws: the caller judges the exit code and the output. */
function run(command, args, { cwd = root, env = process.env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", (error) => resolve({ code: -1, stdout, stderr: `${stderr}${error.message}` }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

// npm started from `npm run` passes its settings down as npm_* variables (the project's prefix
// among them): the fixture installs must be on their own.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith("npm_")));
const bin = (name) => join(root, "node_modules/.bin", name);
const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
const elapsed = (started) => (performance.now() - started) / 1000;

let failed = 0;
let passed = 0;
/** Runs one check; it returns a summary line or throws an Error whose message says what is wrong. */
async function check(name, body) {
  const started = performance.now();
  try {
    const done = await body();
    // A check whose work ran in the background (installs, type checks) says how long it took.
    const { detail, seconds } = typeof done === "string" ? { detail: done, seconds: elapsed(started) } : done;
    passed++;
    console.log(`ok   ${name}: ${detail} (${seconds.toFixed(1)} s)`);
  } catch (error) {
    failed++;
    const text = error instanceof Error ? error.message : String(error);
    console.log(`FAIL ${name}: ${text.trim().split("\n").join("\n       ")}`);
  }
}

const tmp = await mkdtemp(join(tmpdir(), "line-responder-package-"));
let tarball;

await check("pack", async () => {
  const r = await run("npm", ["pack", "--pack-destination", tmp, "--json", "--loglevel=error"], { env: cleanEnv });
  if (r.code !== 0) throw new Error(`npm pack exited ${r.code}\n${r.stderr}`);
  const [info] = JSON.parse(r.stdout);
  tarball = join(tmp, info.filename);
  const allowed = /^(dist\/|sql\/|examples\/campaign\.yaml$|README(\.ja)?\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/;
  const stray = info.files.map((f) => f.path).filter((p) => !allowed.test(p));
  if (stray.length) throw new Error(`unexpected files in the tarball: ${stray.join(", ")}`);
  return `${info.filename}, ${info.entryCount} files, ${kB(info.size)} (${kB(info.unpackedSize)} unpacked), only dist/, sql/ and docs`;
});
if (!tarball) {
  console.log(`package checks stopped: nothing to check without the tarball (kept ${tmp})`);
  process.exit(1);
}

// The fixture installs go to the registry; start them now and lint the tarball meanwhile.
async function install(fixture) {
  try {
    return await installFixture(fixture);
  } catch (error) {
    return { error };
  }
}
async function installFixture(fixture) {
  const dir = join(tmp, fixture);
  await cp(join(fixtures, fixture), dir, { recursive: true });
  await cp(join(fixtures, "shared"), dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
  manifest.dependencies = { ...manifest.dependencies, [pkg.name]: `file:${tarball}` };
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  const started = performance.now();
  const args = ["install", "--no-audit", "--no-fund", "--no-package-lock", "--prefer-offline", "--loglevel=error"];
  const r = await run("npm", args, { cwd: dir, env: cleanEnv });
  return { dir, manifest, r, seconds: elapsed(started) };
}
const installs = { "core-only": install("core-only"), "with-peers": install("with-peers") };

await check("publint", async () => {
  const r = await run(bin("publint"), ["run", tarball, "--strict", "--pack", "false"], { env: cleanEnv });
  const out = `${r.stdout}${r.stderr}`;
  if (r.code !== 0 || !out.includes("All good!")) throw new Error(out);
  return "All good! (strict: warnings count as errors)";
});

await check("attw", async () => {
  // node10 (TypeScript's moduleResolution "node") ignores `exports`, so it finds no subpath
  // unless the package maps them in `typesVersions`; with that map, check node10 too.
  const profile = pkg.typesVersions ? "strict" : "node16";
  const r = await run(bin("attw"), [tarball, "--profile", profile, "--format", "json"], { env: cleanEnv });
  let report;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`attw exited ${r.code}\n${r.stdout}${r.stderr}`);
  }
  const ignored = profile === "node16" ? ["node10"] : [];
  const problems = (report.analysis.problems ?? []).filter((p) => !ignored.includes(p.resolutionKind));
  if (problems.length || r.code !== 0) {
    const plain = await run(bin("attw"), [tarball, "--profile", profile, "--format", "ascii"], { env: cleanEnv });
    throw new Error(plain.stdout);
  }
  const count = Object.keys(report.analysis.entrypoints).length;
  const modes =
    profile === "strict" ? "node10, node16 (import, require), bundler" : "node16 (import, require), bundler";
  const note = profile === "strict" ? "" : "; node10 not checked (no typesVersions)";
  return `no problems in ${count} entry points under ${modes}${note}`;
});

/** The install of one fixture, or an Error with npm's output. */
async function installed(fixture) {
  const { error, dir, manifest, r, seconds } = await installs[fixture];
  if (error) throw error;
  if (r.code !== 0) throw new Error(`npm install in ${dir} exited ${r.code}\n${r.stdout}${r.stderr}`);
  return { dir, manifest, seconds };
}

for (const fixture of ["core-only", "with-peers"]) {
  await check(`install ${fixture}`, async () => {
    const { manifest, seconds } = await installed(fixture);
    const { dependencies } = JSON.parse(await readFile(join(tmp, fixture, "node_modules", pkg.name, "package.json")));
    const deps = Object.keys(dependencies ?? {}).join(", ");
    const peers = Object.keys(manifest.dependencies).filter((d) => d !== pkg.name);
    const what = peers.length ? `, ${peers.join(", ")}` : ", no optional peer";
    return { detail: `the tarball with ${deps}${what}`, seconds };
  });
}

/** Runs the ESM or CJS consumer in one fixture and compares what loaded with what must. */
async function loads(fixture, format) {
  const { dir } = await installed(fixture);
  const script = format === "esm" ? "load.mjs" : "load.cjs";
  const r = await run(process.execPath, [script], { cwd: dir, env: cleanEnv });
  let result;
  try {
    result = JSON.parse(r.stdout.trim().split("\n").at(-1));
  } catch {
    throw new Error(`node ${script} exited ${r.code}\n${r.stdout}${r.stderr}`);
  }
  const expected = JSON.parse(await readFile(join(dir, "exports.json"), "utf8"));
  const withPeers = fixture === "with-peers";
  const mustLoad = entries.filter((e) => withPeers || !expected[e].peer);
  const mustMiss = withPeers
    ? {}
    : Object.fromEntries(entries.filter((e) => expected[e].peer).map((e) => [e, expected[e].peer]));
  const errors = [...result.errors];
  if (JSON.stringify(result.loaded) !== JSON.stringify(mustLoad)) {
    errors.push(`loaded ${result.loaded.join(", ")}; expected ${mustLoad.join(", ")}`);
  }
  if (JSON.stringify(result.missingPeer) !== JSON.stringify(mustMiss)) {
    errors.push(`missing peers ${JSON.stringify(result.missingPeer)}; expected ${JSON.stringify(mustMiss)}`);
  }
  if (errors.length) throw new Error(errors.join("\n"));
  const how = format === "esm" ? "import" : "require";
  const core = `${mustLoad.length - 1} of ${subpaths.length} subpaths`;
  const missing = Object.entries(mustMiss).map(([e, p]) => `${e.slice(pkg.name.length)} asks for ${p}`);
  const tail = missing.length ? `; ${missing.join(", ")} (optional peers)` : "";
  return `${how} of ${pkg.name} and ${core} give functions, shared exports identical, rules match${tail}`;
}

await check("ESM, no optional peer", () => loads("core-only", "esm"));
await check("CJS, no optional peer", () => loads("core-only", "cjs"));
await check("ESM, all peers", () => loads("with-peers", "esm"));
await check("CJS, all peers", () => loads("with-peers", "cjs"));

const tsc = join(root, "node_modules/typescript/bin/tsc");
const tsVersion = JSON.parse(await readFile(join(root, "node_modules/typescript/package.json"), "utf8")).version;
for (const resolution of ["node16", "nodenext", "bundler"]) {
  await check(`tsc moduleResolution ${resolution}`, async () => {
    const { dir } = await installed("with-peers");
    const r = await run(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], { cwd: dir, env: cleanEnv });
    if (r.code !== 0) throw new Error(`${r.stdout}${r.stderr}`);
    return `consumer.ts, consumer-cjs.cts, stores.mjs (checkJs) compile with TypeScript ${tsVersion}, skipLibCheck off`;
  });
}

// The READMEs' and guides' TypeScript snippets, as a user with a strict ESM project compiles them
// against the installed tarball (test/docs/snippets.mjs; `npm test` checks them against the source).
await check("docs snippets", async () => {
  const { dir } = await installed("with-peers");
  const project = join(dir, "docs-snippets");
  const snippets = docSnippets(root);
  const sources = await writeSnippetProject(project, snippets);
  const errors = await typeCheck(project, sources, tsc);
  const { unexpected, fixed } = againstKnown(errors, KNOWN_SNIPPET_FAILURES);
  if (unexpected.length || fixed.length) {
    const gone = fixed.map((f) => `fixed, delete from test/docs/snippet-known-failures.mjs: ${f}`);
    throw new Error([...unexpected, ...gone].join("\n"));
  }
  const skipped = snippets.length - sources.size;
  const known = KNOWN_SNIPPET_FAILURES.length ? `; ${KNOWN_SNIPPET_FAILURES.length} known errors still listed` : "";
  return `${sources.size} snippets of ${docFiles(root).length} pages compile under strict, exactOptionalPropertyTypes, noUncheckedIndexedAccess (${skipped} no-check)${known}`;
});

await check("Workers bundle", async () => {
  const { dir } = await installed("core-only");
  const built = await esbuild.build({
    absWorkingDir: dir,
    entryPoints: ["worker.mjs"],
    outfile: "worker.bundle.mjs",
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    minify: true,
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    metafile: true,
    write: false,
    logLevel: "silent",
    // The ESM build imports one shared chunk bare; with "sideEffects": false it is dropped, which
    // is right (the chunks that use it import it themselves).
    logOverride: { "ignored-bare-import": "silent" },
  });
  const text = built.outputFiles[0].text;
  const errors = [];
  if (/\brequire\s*\(/.test(text))
    errors.push(`require( in the bundle: ${text.match(/.{0,60}\brequire\s*\(.{0,60}/)[0]}`);
  const nodeImport = text.match(/.{0,60}["'`]node:[\w/]+["'`].{0,20}/);
  if (nodeImport) errors.push(`a node: module in the bundle: ${nodeImport[0]}`);
  const inputs = Object.keys(built.metafile.inputs);
  const ours = inputs.filter((i) => i.includes(`node_modules/${pkg.name}/`));
  const notEsm = ours.filter((i) => !i.endsWith(".js"));
  if (notEsm.length) errors.push(`bundled files of ${pkg.name} that are not its ESM build: ${notEsm.join(", ")}`);
  const warnings = built.warnings.map((w) => w.text);
  if (warnings.length) errors.push(`esbuild warnings:\n${warnings.join("\n")}`);
  if (errors.length) throw new Error(errors.join("\n"));

  // Run it as a Worker runtime would (Web Crypto, fetch, Request and Response are Node's here).
  const file = join(dir, "worker.bundle.mjs");
  await writeFile(file, text);
  const worker = (await import(pathToFileURL(file).href)).default;
  const env = { LINE_CHANNEL_SECRET: "secret", LINE_CHANNEL_ACCESS_TOKEN: "token" };
  const ctx = { waitUntil() {} };
  const body = JSON.stringify({ destination: "U0123456789abcdef0123456789abcdef", events: [] });
  const post = (signature) =>
    worker.fetch(
      new Request("https://worker.example/webhook", {
        method: "POST",
        headers: { "content-type": "application/json", "x-line-signature": signature },
        body,
      }),
      env,
      ctx,
    );
  const good = await post(createHmac("sha256", env.LINE_CHANNEL_SECRET).update(body).digest("base64"));
  const bad = await post(createHmac("sha256", "other").update(body).digest("base64"));
  if (good.status !== 200 || bad.status < 400 || bad.status >= 500) {
    throw new Error(`the bundled worker answered ${good.status} to a signed request, ${bad.status} to a bad signature`);
  }
  const size = `${kB(text.length)} (${kB(gzipSync(text).length)} gzip)`;
  return `${ours.length} ESM files of ${pkg.name} in ${inputs.length} inputs, ${size}, no node: import, no require(; signed POST ${good.status}, bad signature ${bad.status}`;
});

console.log(`package checks: ${passed} ok, ${failed} failing`);
if (failed || keep) console.log(`temporary files kept in ${tmp}`);
else await rm(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
