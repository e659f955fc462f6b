/**
 * Locating (and if needed building) the pinned wasmd binary at <repo>/.cache/bin/wasmd.
 *
 * The build is `bash scripts/build-wasmd.sh` (Go module proxy, 5–15 min cold). Never two at once:
 * we take <repo>/.cache/wasmd-build.lock, and we also wait for a build that somebody started by
 * hand (any process running scripts/build-wasmd.sh in this repo, or a `go build … -o <bin>`).
 */
import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";
import { REPO_ROOT, WASMD_BIN } from "./config";
import { log, pidArgv, run, RunResult, sleep, withLock } from "./proc";

const CACHE_DIR = path.join(REPO_ROOT, ".cache");
const BUILD_LOCK = path.join(CACHE_DIR, "wasmd-build.lock");
const STAMP = path.join(CACHE_DIR, "bin", "wasmd.gosum.sha256");
const BUILD_SCRIPT = path.join(REPO_ROOT, "scripts", "build-wasmd.sh");

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** PIDs of processes currently building wasmd for this repo (started by anyone). */
export function runningWasmdBuilds(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    const argv = pidArgv(pid);
    if (!argv || argv.length === 0) continue;
    const line = argv.join(" ");
    if (line.includes("build-wasmd.sh")) {
      let cwd = "";
      try {
        cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        /* gone */
      }
      if (line.includes(REPO_ROOT) || cwd === REPO_ROOT || cwd.startsWith(REPO_ROOT + path.sep)) pids.push(pid);
    } else if (argv.includes("build") && argv.includes(WASMD_BIN)) {
      pids.push(pid); // the `go build -o <repo>/.cache/bin/wasmd` itself
    }
  }
  return pids;
}

/** The binary is usable when it exists and no build is writing it right now. */
function binaryReady(): boolean {
  return isExecutable(WASMD_BIN) && (fs.existsSync(STAMP) || runningWasmdBuilds().length === 0);
}

async function waitForForeignBuild(): Promise<void> {
  const start = Date.now();
  let last = 0;
  for (;;) {
    const pids = runningWasmdBuilds();
    if (pids.length === 0) return;
    if (Date.now() - last > 30_000) {
      last = Date.now();
      log(
        `wasmd: a build is already running (pids ${pids.join(", ")}), waiting for it... ` +
          `(${Math.round((Date.now() - start) / 1000)}s elapsed)`,
      );
    }
    await sleep(2000);
  }
}

/**
 * Returns the path of the wasmd binary, building it first (printing progress) when missing.
 * Safe to call concurrently from several processes.
 */
export async function ensureWasmd(): Promise<string> {
  if (binaryReady()) return WASMD_BIN;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  await withLock(
    BUILD_LOCK,
    async () => {
      await waitForForeignBuild();
      if (isExecutable(WASMD_BIN)) return;
      log(`wasmd: ${WASMD_BIN} is missing, running bash scripts/build-wasmd.sh (cold build: 5-15 min)...`);
      await new Promise<void>((resolve, reject) => {
        const child = spawn("bash", [BUILD_SCRIPT], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
        const relay = (d: Buffer) =>
          d
            .toString("utf8")
            .split("\n")
            .filter((l) => l.trim())
            .forEach((l) => log(`wasmd build: ${l}`));
        child.stdout.on("data", relay);
        child.stderr.on("data", relay);
        // The script prints a heartbeat (elapsed time, last log line) every 30 s and its log's tail on failure.
        child.on("error", reject);
        child.on("close", (code) => {
          if (code === 0) resolve();
          else reject(new Error(`scripts/build-wasmd.sh failed with exit code ${code} (output above)`));
        });
      });
      if (!isExecutable(WASMD_BIN)) throw new Error(`build finished but ${WASMD_BIN} is missing`);
    },
    { what: "the wasmd build" },
  );
  return WASMD_BIN;
}

/** Run `wasmd <args>` to completion (throws with stderr on failure). */
export async function wasmd(args: string[], opts: { input?: string } = {}): Promise<RunResult> {
  const bin = await ensureWasmd();
  return run(bin, args, { input: opts.input });
}
