/**
 * Small process / file helpers shared by the chain harness (Linux: uses /proc).
 */
import * as fs from "fs";
import { spawn } from "child_process";

export type Logger = (msg: string) => void;

let logger: Logger = (msg) => console.log(msg);
/** Replace the progress logger used by the chain harness (default: console.log). */
export function setChainLogger(fn: Logger): void {
  logger = fn;
}
export function log(msg: string): void {
  logger(msg);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** True when the process exists and is not a zombie. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EPERM") return true;
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** argv of a process, or undefined when it is gone. */
export function pidArgv(pid: number): string[] | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter((s) => s.length > 0);
  } catch {
    return undefined;
  }
}

/** Resident memory (VmRSS) of a process in KiB, from /proc/<pid>/status. */
export function rssKiB(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (!pidAlive(pid)) return true;
    await sleep(50);
  }
  return !pidAlive(pid);
}

/** Last `lines` lines of a (possibly large) text file; "" when missing. */
export function tailFile(file: string, lines = 40): string {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return "";
  }
  try {
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    fs.readSync(fd, buf, 0, len, size - len);
    const all = buf.toString("utf8").split("\n");
    if (all.length && all[all.length - 1] === "") all.pop();
    return all.slice(-lines).join("\n");
  } finally {
    fs.closeSync(fd);
  }
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Run a command to completion; rejects with stdout/stderr in the message on non-zero exit. */
export function run(
  cmd: string,
  args: string[],
  opts: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const stdout = Buffer.concat(out).toString("utf8");
      const stderr = Buffer.concat(err).toString("utf8");
      if (code === 0) resolve({ stdout, stderr });
      else {
        const tail = (s: string) => s.split("\n").slice(-40).join("\n");
        reject(
          new Error(
            `command failed (${signal ?? `exit ${code}`}): ${cmd} ${args.join(" ")}\n--- stderr ---\n${tail(stderr)}\n--- stdout ---\n${tail(stdout)}`,
          ),
        );
      }
    });
    child.stdin.end(opts.input ?? "");
  });
}

/**
 * Exclusive lock on a file (O_EXCL create, holding our PID). A lock whose holder PID is dead is
 * stale and taken over. Waits up to timeoutMs, calling onWait about every 30s.
 */
export async function withLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  opts: { timeoutMs?: number; what?: string } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  const start = Date.now();
  let lastNote = 0;
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(lockPath, "utf8").trim());
      } catch {
        continue; // removed meanwhile
      }
      if (!Number.isInteger(holder) || holder <= 0) {
        // Being written right now, or garbage: give the writer a moment, then treat as stale.
        let ageMs = 0;
        try {
          ageMs = Date.now() - fs.statSync(lockPath).mtimeMs;
        } catch {
          continue;
        }
        if (ageMs < 2000) {
          await sleep(100);
          continue;
        }
        removeIfUnchanged(lockPath, fs.readFileSync(lockPath, "utf8"));
        continue;
      }
      if (!pidAlive(holder)) {
        log(`removing stale lock ${lockPath} (pid ${holder} is gone)`);
        removeIfUnchanged(lockPath, String(holder));
        continue;
      }
      if (holder === process.pid) throw new Error(`lock ${lockPath} is already held by this process`);
      if (Date.now() - start > timeoutMs) {
        throw new Error(`timed out after ${timeoutMs}ms waiting for lock ${lockPath} (held by pid ${holder})`);
      }
      if (Date.now() - lastNote > 30_000) {
        lastNote = Date.now();
        log(`waiting for ${opts.what ?? lockPath} (lock held by pid ${holder})...`);
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    try {
      if (fs.readFileSync(lockPath, "utf8").trim() === String(process.pid)) fs.unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  }
}

function removeIfUnchanged(file: string, expected: string): void {
  try {
    if (fs.readFileSync(file, "utf8").trim() === expected.trim()) fs.unlinkSync(file);
  } catch {
    /* raced with another remover */
  }
}
