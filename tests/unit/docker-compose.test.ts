// docker-compose.yml cannot run here (no Docker engine); check that it parses and stays a thin wrapper around the
// same scripts the devnet uses, so there is one source of truth.
import { readFileSync } from "fs";
import * as path from "path";
import yaml from "js-yaml";

const root = path.resolve(__dirname, "..", "..");

describe("docker-compose.yml", () => {
  const doc = yaml.load(readFileSync(path.join(root, "docker-compose.yml"), "utf8")) as any;

  it("parses and defines the devnet service", () => {
    expect(Object.keys(doc.services)).toEqual(["devnet"]);
  });

  it("builds wasmd and runs the devnet with the repository's own scripts", () => {
    const service = doc.services.devnet;
    expect(service.build.dockerfile_inline).toContain("bash scripts/build-wasmd.sh");
    expect(service.build.dockerfile_inline).toContain("npm ci");
    expect(service.command.join(" ")).toContain("scripts/devnet.ts --chains 2");
    expect(service.volumes).toContain("./.devnet:/mesh/.devnet");
  });
});
