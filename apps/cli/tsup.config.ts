import { defineConfig } from 'tsup';

/**
 * The `vmm` command ships as one bundle (split into shared chunks): its own code and every
 * @vmm package it runs, so that Node.js loads a handful of files instead of resolving and
 * linking a dozen packages, which is most of the command's start-up in an emulated host
 * (docs/DESIGN.md, "The `vmm` command is one bundle"). koffi stays external: it carries native
 * binaries.
 *
 * `vcpu-worker` is @vmm/machine's worker thread, next to the chunk that spawns it (the machine
 * looks for `./vcpu-worker.js` beside itself); the two backends are entries of their own, which
 * the main thread and the worker import by URL (`src/backends.ts`) and so share one copy of
 * @vmm/core with the rest of the bundle.
 */
export default defineConfig({
  entry: {
    cli: 'src/cli.ts',
    index: 'src/index.ts',
    'vcpu-worker': 'src/vcpu-worker.ts',
    'kvm-backend': 'src/kvm-backend.ts',
    'hvp-backend': 'src/hvp-backend.ts',
  },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  splitting: true,
  noExternal: [/^@vmm\//],
  external: ['koffi'],
});
