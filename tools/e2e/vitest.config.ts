import { defineConfig } from 'vitest/config';

// The nested tests each run QEMU with two emulated CPUs for minutes: run test files one at a
// time so that the x86_64 and aarch64 ones never compete for the host's cores (and watchdogs).
export default defineConfig({ test: { fileParallelism: false } });
