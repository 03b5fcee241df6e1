// The install-time build of the native wave kernels (binding.gyp: src/wave/kernel.c and its
// Node-API binding) into build/Release/gradscape.node, run by package.json's "install" script.
//
// Never fatal: without a C compiler, make, Node's headers or python, or when anything fails,
// it prints one line saying so and exits 0, and the WebAssembly kernels serve. Nothing is
// downloaded: node-gyp is npm's own (npm_config_node_gyp during npm's scripts), the headers are
// the ones installed with this Node (--nodedir), the compiler is the machine's.
// GRADSCAPE_BACKEND=wasm at install time skips the build.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const output = join(root, "build", "Release", "gradscape.node");
const log = join(root, "build", "native-build.log");
const FALLBACK = "the WebAssembly kernels will serve";

function say(line) {
  console.log(`gradscape: ${line}`);
}

/** The executable `name` resolves to on PATH (or itself when it is a path), or null. */
function which(name) {
  const executable = (p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (isAbsolute(name) || name.includes("/")) return executable(name) ? name : null;
  const exts = process.platform === "win32" ? ["", ".exe", ".cmd"] : [""];
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const ext of exts) if (dir !== "" && executable(join(dir, name + ext))) return join(dir, name + ext);
  }
  return null;
}

/** Why the build cannot start on this machine, or null when it can; sets CC and LINK for the build. */
function missing(env) {
  if (process.platform !== "win32") {
    if (env.CC) {
      const cc = env.CC.trim().split(/\s+/)[0];
      if (which(cc) === null) return `no C compiler found (CC=${env.CC} is not an executable)`;
    } else {
      const cc = ["cc", "gcc", "clang"].find((c) => which(c) !== null);
      if (cc === undefined) return "no C compiler found (cc, gcc or clang)";
      env.CC = cc;
    }
    // The module is plain C: link it with the C compiler, so no C++ compiler is needed.
    if (!env.LINK) env.LINK = env.CC;
    if (which(env.MAKE || "make") === null) return "no make found";
  }
  if (!env.PYTHON && !env.npm_config_python && which("python3") === null && which("python") === null) return "no python3 found (node-gyp needs it)";
  return null;
}

/** Node's own headers: the prefix this node is installed in, when it holds them (never a download). */
function nodeDir() {
  const configured = process.env.npm_config_nodedir;
  const candidates = [configured, resolve(dirname(process.execPath), "..")].filter(Boolean);
  return candidates.find((d) => existsSync(join(d, "include", "node", "node_api.h")) && existsSync(join(d, "include", "node", "common.gypi"))) ?? null;
}

/** How to run node-gyp: npm's own copy (npm sets npm_config_node_gyp for its scripts), the one beside this npm, or npx's. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  const script = candidates.find((p) => p && existsSync(p));
  if (script) return { command: process.execPath, args: [script] };
  return { command: process.platform === "win32" ? "npx.cmd" : "npx", args: ["--no", "node-gyp"] };
}

function build() {
  if (process.env.GRADSCAPE_BACKEND === "wasm") return `GRADSCAPE_BACKEND=wasm, native kernels not built; ${FALLBACK}`;
  const env = { ...process.env };
  const why = missing(env);
  if (why !== null) return `${why}; ${FALLBACK}`;
  const headers = nodeDir();
  if (headers === null) return `Node's headers (include/node/node_api.h) are not installed beside ${process.execPath}; ${FALLBACK}`;
  const gyp = nodeGyp();
  const run = spawnSync(gyp.command, [...gyp.args, "rebuild", `--nodedir=${headers}`], {
    cwd: root, env, encoding: "utf8", timeout: 300_000, stdio: ["ignore", "pipe", "pipe"],
  });
  mkdirSync(dirname(log), { recursive: true });
  writeFileSync(log, `${gyp.command} ${gyp.args.join(" ")} rebuild --nodedir=${headers}\n${run.stdout ?? ""}\n${run.stderr ?? ""}\n${run.error ? String(run.error) : ""}`);
  if (run.error || run.status !== 0 || !existsSync(output)) {
    const lines = `${run.stdout ?? ""}\n${run.stderr ?? ""}`.split("\n");
    const first = (re) => lines.find((l) => re.test(l))?.trim();
    const reason = run.error?.message ?? first(/^(?!gyp ERR!).*\berror\b:/i) ?? first(/^make: \*\*\*/) ?? first(/^gyp ERR! (?!stack|System|command|cwd|node |node-gyp|not ok)\S/) ?? `node-gyp exited with ${run.status}`;
    return `the native kernels did not build (${reason}; log: ${log}); ${FALLBACK}`;
  }
  try {
    const native = createRequire(import.meta.url)(output);
    if (typeof native.bind !== "function") throw new Error("no bind function");
    return `native kernels built (${native.isa}): ${output}`;
  } catch (e) {
    rmSync(output, { force: true });
    return `the native kernels built but do not load (${e instanceof Error ? e.message : e}); ${FALLBACK}`;
  }
}

try {
  say(build());
} catch (e) {
  say(`the native build failed (${e instanceof Error ? e.message : e}); ${FALLBACK}`);
}
process.exitCode = 0;
