import { defineConfig, type Options } from 'tsup';

/** Every @vmm package is inlined; koffi stays outside, as it carries native binaries. */
const inlined: Options = {
  sourcemap: true,
  noExternal: [/^@vmm\//],
  external: ['koffi'],
};

/**
 * Two builds into `dist` (the package's `build` script empties it first):
 *
 * - The `vmm` command, one CommonJS file per thread: `vmm.cjs` for the main thread and
 *   `vcpu-worker.cjs` for the vCPU threads (@vmm/machine spawns the worker beside itself, in its
 *   own format). Node.js starts a CommonJS program and loads one file much faster than it
 *   starts an ES module and links a graph of chunks, which in the emulated host of the e2e
 *   test bed was a quarter of a second of every boot (docs/DESIGN.md, "The `vmm` command is one
 *   file per thread"). Each file holds both backends and provides them by package name
 *   (`src/bundled-backends.ts`), so a thread never loads a second copy of @vmm/core.
 * - The library (`index`) for programs that embed the command's pieces, as ES modules with
 *   shared chunks, and its own ESM `vcpu-worker.js` for the machine it bundles.
 */
export default defineConfig([
  {
    ...inlined,
    entry: { vmm: 'src/cli.ts', 'vcpu-worker': 'src/vcpu-worker.ts' },
    format: ['cjs'],
    shims: true,
    splitting: false,
  },
  {
    ...inlined,
    entry: { index: 'src/index.ts', 'vcpu-worker': 'src/vcpu-worker.ts' },
    format: ['esm'],
    dts: { entry: { index: 'src/index.ts' } },
    splitting: true,
  },
]);
