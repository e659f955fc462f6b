// docker-compose.yml cannot run here (no Docker engine). Instead: it parses, has one service per chain, a deploy job
// and a relayer, builds on an official Node image that satisfies package.json's engines, and every service runs a
// command of this repository that works natively: the devnet script with arguments it accepts, the mesh CLI with a
// valid command line and config. Each is also run for real with --help.
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import * as path from "path";
import yaml from "js-yaml";
import { chainConfig, parseDevnetArgs } from "../../src/wasmd";
import { checkCommandLine } from "../../src/cli/main";
import { loadMeshConfig } from "../../src/deploy/config";

const root = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const doc = yaml.load(readFileSync(path.join(root, "docker-compose.yml"), "utf8")) as any;
const services = doc.services as Record<string, any>;
const io = { out: () => undefined, err: () => undefined, env: {}, cwd: root };

describe("docker-compose.yml", () => {
  it("has a service per devnet chain, a deploy job, a relayer and the crank", () => {
    expect(Object.keys(services)).toEqual(["mesh-a", "mesh-b", "deploy", "relayer", "crank", "dashboard"]);
    const devnet = loadMeshConfig(path.join(root, "examples", "devnet.mesh.json"));
    expect(devnet.chains.map((c) => c.id)).toEqual(["mesh-a", "mesh-b"]);
  });

  it("builds one image on an official Node image satisfying engines, with the repository's own build scripts", () => {
    const images = new Set(Object.values(services).map((s) => s.image));
    expect([...images]).toEqual(["mesh-security-devnet"]);
    const dockerfile: string = services["mesh-a"].build.dockerfile_inline;
    const node = /^FROM node:(\d+)-/m.exec(dockerfile);
    expect(node).not.toBeNull();
    expect(Number(node![1])).toBeGreaterThanOrEqual(Number(/>=\s*(\d+)/.exec(pkg.engines.node)![1]));
    expect(dockerfile).toContain("RUN bash scripts/build-wasmd.sh");
    expect(dockerfile).toContain("RUN npm ci");
    expect(dockerfile).toMatch(/npm run build$/m);
    expect(pkg.scripts.build).toBeDefined();
    for (const s of Object.values(services)) {
      expect(s.network_mode).toBe("host");
      expect(s.volumes).toContain("./.devnet:/mesh/.devnet");
    }
  });

  it.each(["mesh-a", "mesh-b"])("%s runs the devnet script (npm run devnet) for that chain alone, in the foreground", (id) => {
    const [bin, script, ...args] = services[id].command as string[];
    expect(`${path.basename(bin)} ${script}`).toBe(pkg.scripts.devnet);
    const parsed = parseDevnetArgs(args);
    expect(parsed.foreground).toBe(true);
    expect(parsed.chains.map((c) => c.chainId)).toEqual([id]);
    // The healthcheck polls that chain's RPC.
    const port = new URL(chainConfig(id).rpcUrl).port;
    expect(services[id].healthcheck.test.join(" ")).toContain(`http://127.0.0.1:${port}/status`);
  });

  it.each(["deploy", "relayer", "crank"])("%s runs the mesh CLI (the package's bin) with a valid command line", (name) => {
    const [node, bin, ...argv] = services[name].command as string[];
    expect(node).toBe("node");
    expect(bin).toBe(pkg.bin.mesh);
    expect(() => checkCommandLine(argv, io)).not.toThrow();
  });

  it("orders the services: chains healthy → deploy completed → relayer", () => {
    expect(services.deploy.depends_on).toEqual({ "mesh-a": { condition: "service_healthy" }, "mesh-b": { condition: "service_healthy" } });
    expect(services.deploy.restart).toBe("no");
    expect(services.relayer.depends_on).toEqual({ deploy: { condition: "service_completed_successfully" } });
  });

  it("every service's command works natively (run with --help)", () => {
    for (const [name, s] of Object.entries(services)) {
      const [cmd, ...args] = s.command as string[];
      const r = spawnSync(cmd, [...args, "--help"], { cwd: root, encoding: "utf8", timeout: 60_000 });
      expect({ name, status: r.status, stderr: r.stderr }).toEqual({ name, status: 0, stderr: "" });
      expect(r.stdout).toMatch(/^usage: /);
    }
  }, 120_000);

  it("the command-line check rejects what would break a service", () => {
    expect(() => checkCommandLine(["deploy", "--config", "examples/devnet.mesh.json", "--fast"], io)).toThrow("unknown option --fast");
    expect(() => checkCommandLine(["deploy", "--config", "examples/nope.json"], io)).toThrow("config file");
    expect(() => parseDevnetArgs(["--chains", "2", "--only", "mesh-z"])).toThrow('bad --only chain "mesh-z"');
  });
});
