import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/summary-reporter.ts"],
    projects: [
      // Every suite, on the default backend (native when built, else WebAssembly).
      { extends: true, test: { name: "default", include: ["test/**/*.test.ts"] } },
      // The wave simulator's own suites again on the WebAssembly kernels (npm run test:wasm runs
      // only these): the dot, Taylor, analytic and reference tests hold on both backends.
      { extends: true, test: { name: "wasm", include: ["test/wave*.test.ts", "test/native-backend.test.ts"], env: { GRADSCAPE_BACKEND: "wasm" } } },
    ],
  },
});
