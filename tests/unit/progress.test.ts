// scripts/lib/progress.sh: the heartbeat and failure output of the first run's native builds (test.sh,
// build-wasmd.sh, install-cosmwasm-check.sh), with a 1 s heartbeat instead of 30 s.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const lib = path.resolve(__dirname, "..", "..", "scripts", "lib", "progress.sh");

function bash(script: string) {
  const r = spawnSync("bash", ["-c", `set -euo pipefail; source ${lib}; ${script}`], { encoding: "utf8", env: { ...process.env, MESH_HEARTBEAT_SECONDS: "1", MESH_PROGRESS_T0: "" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("progress.sh", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-progress-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("stage lines carry the time since the start", () => {
    const r = bash("stage first; sleep 1.1; stage second");
    expect(r.stdout).toMatch(/^==> first \[\+0s\]\n==> second \[\+[12]s\]\n$/);
  });

  it("a long step prints a heartbeat with its elapsed time and last log line, and keeps its output in the log", () => {
    const log = path.join(dir, "ok.log");
    const r = bash(`run_logged "demo build" ${log} bash -c 'echo compiling a; sleep 2.5; echo compiling b'; echo "status $?"`);
    expect(r.stdout).toMatch(/demo build: still running, [12]s elapsed; last: compiling a\n/);
    expect(r.stdout).toMatch(/status 0\n$/);
    expect(fs.readFileSync(log, "utf8")).toBe("compiling a\ncompiling b\n");
  });

  it("a failing step prints the tail of its log and returns its status", () => {
    const log = path.join(dir, "fail.log");
    const r = bash(`run_logged "demo build" ${log} bash -c 'for i in $(seq 1 50); do echo line $i; done; exit 3' || echo "status $?"`);
    expect(r.stdout).toContain("status 3");
    expect(r.stderr).toMatch(/^demo build: FAILED \(exit 3\) after \d+s; last lines of .*fail\.log:\n/);
    expect(r.stderr).toContain("  | line 50");
    expect(r.stderr).toContain("  | line 11");
    expect(r.stderr).not.toContain("  | line 10\n");
  });
});
