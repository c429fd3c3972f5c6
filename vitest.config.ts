import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = fileURLToPath(new URL('./src/', import.meta.url));

export default defineConfig({
  resolve: {
    // `mfakit` and `mfakit/<entry>` resolve to this checkout's sources, as tsconfig's `paths` say,
    // so examples and tests import the package as a user does.
    alias: [
      { find: /^mfakit$/, replacement: `${src}index.ts` },
      { find: /^mfakit\/(memory|redis|senders|testing)$/, replacement: `${src}$1.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/helpers/global-setup.ts'],
  },
});
