// Unit and in-process tests run in parallel; real-chain tests share one node per run and run alone.
const transform = { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] };
module.exports = {
  projects: [
    { displayName: "unit", testEnvironment: "node", transform, testMatch: ["<rootDir>/tests/unit/**/*.test.ts"] },
    { displayName: "contracts", testEnvironment: "node", transform, testMatch: ["<rootDir>/tests/contracts/**/*.test.ts"] },
    { displayName: "chain", testEnvironment: "node", transform, testMatch: ["<rootDir>/tests/chain/**/*.test.ts"],
      globalSetup: "<rootDir>/tests/chain/global-setup.ts", globalTeardown: "<rootDir>/tests/chain/global-teardown.ts" },
  ],
  testTimeout: 120000,
};
