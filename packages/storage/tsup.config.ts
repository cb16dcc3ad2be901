import { defineConfig } from "tsup";

export default defineConfig({
  // One entry per adapter besides the index, so that a plugin bundles (and loads at start-up)
  // only the SDK of its own store: `@spotkit/storage/s3` never pulls in Azure's or Google's.
  entry: {
    index: "src/index.ts",
    s3: "src/s3.ts",
    azure: "src/azure-blob-store.ts",
    gcs: "src/gcs-store.ts",
    filesystem: "src/filesystem-store.ts",
    // The chunk pool, SDK-free, for code that reads bodies for any store (the sync engine).
    chunks: "src/chunk-pool.ts",
  },
  splitting: true,
  format: ["esm"],
  target: "node22",
  dts: true,
  sourcemap: true,
  clean: true,
});
