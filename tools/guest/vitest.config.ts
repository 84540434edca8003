import { defineConfig } from 'vitest/config';

// The real-fetch tests run apt-get and dpkg (update, --add-architecture), which take system-wide
// locks: running test files one at a time keeps two of them from racing for those locks.
export default defineConfig({ test: { fileParallelism: false } });
