import { defineConfig } from "vitest/config";

// The Dashboard serves dist/ (Dashboard:WebRoot). `npm run dev` proxies the hub and the API to a Dashboard on 5090.
export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No source maps in production: they would publish our sources and comments to anyone (CWE-200; OWASP ZAP alert
    // 200009-3, "do not publish source maps to production"). `npm run dev` still maps.
    sourcemap: false,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      // @microsoft/signalr ships /*#__PURE__*/ comments where Rollup cannot use them; harmless, and not ours to fix.
      onwarn(warning, warn) {
        if (warning.code !== "INVALID_ANNOTATION") warn(warning);
      },
    },
  },
  server: {
    proxy: {
      "/hubs": { target: "http://127.0.0.1:5090", ws: true },
      "/api": "http://127.0.0.1:5090",
    },
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
