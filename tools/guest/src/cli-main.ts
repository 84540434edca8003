import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { aarch64HostAssetPaths } from './aarch64-host-asset-paths.js';
import { fetchAarch64HostAssets } from './fetch-aarch64-host-assets.js';
import { fetchGuestAssets } from './fetch-guest-assets.js';
import { parseGuestArch } from './guest-arch.js';
import { guestAssetPaths } from './guest-asset-paths.js';
import type { GuestToolsLogger } from './logger.js';

/** Where {@link runCli} writes; the real streams in `vmm-guest`, collectors in tests. */
export interface CliIo {
  /** Writes results (paths, JSON). */
  stdout: (text: string) => void;
  /** Writes progress and error lines. */
  stderr: (text: string) => void;
}

/** The text `vmm-guest --help` prints. */
export const CLI_USAGE = `Usage: vmm-guest <command> [--arch x86_64|aarch64] [--with-host]

Fetches a Debian guest kernel and busybox with apt and builds an initramfs for vmm,
into <repo>/.cache/guest (or $VMM_CACHE_DIR/guest).

Commands:
  fetch    download, unpack and build whatever is missing; print the vmlinuz and initramfs paths
  paths    print where the assets are (JSON), without fetching anything

Options:
  --arch <arch>  guest architecture: x86_64 (default) or aarch64
  --with-host    with fetch --arch aarch64: also fetch what an emulated arm64 host needs to run
                 vmm (Node.js, koffi's arm64 module, arm64 glibc) into .cache/guest/aarch64/host
  -h, --help     show this help
`;

/**
 * Runs the `vmm-guest` command line with `argv` (arguments after the program name) and returns
 * the process exit code: 0 on success, 1 when the work failed, 2 on a usage error. Every
 * failure is reported as one `vmm-guest: <message>` line on `io.stderr`.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        arch: { type: 'string', default: 'x86_64' },
        'with-host': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr(`vmm-guest: ${oneLine(error)} (see vmm-guest --help)\n`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help === true) {
    io.stdout(CLI_USAGE);
    return 0;
  }
  if ((command !== 'fetch' && command !== 'paths') || rest.length > 0) {
    const what = command === undefined ? 'no command given' : `unknown command '${argv.join(' ')}'`;
    io.stderr(`vmm-guest: ${what}; use 'fetch' or 'paths' (see vmm-guest --help)\n`);
    return 2;
  }
  const withHost = parsed.values['with-host'] === true;
  if (withHost && (command !== 'fetch' || parsed.values.arch !== 'aarch64')) {
    io.stderr(
      'vmm-guest: --with-host goes with `fetch --arch aarch64` only (see vmm-guest --help)\n',
    );
    return 2;
  }
  try {
    const arch = parseGuestArch(parsed.values.arch ?? 'x86_64');
    if (command === 'paths') {
      const paths = guestAssetPaths({ arch });
      const ready = existsSync(paths.vmlinuz) && existsSync(paths.initramfs);
      const host = arch === 'aarch64' ? hostPathsJson() : {};
      io.stdout(`${JSON.stringify({ ...paths, ready, ...host }, null, 2)}\n`);
      return 0;
    }
    const log: GuestToolsLogger = (message) => io.stderr(`vmm-guest: ${message}\n`);
    const assets = await fetchGuestAssets({ arch, log });
    io.stdout(
      `vmlinuz ${assets.vmlinuz}\ninitramfs ${assets.initramfs}\nkernel-release ${assets.kernelRelease}\n`,
    );
    if (withHost) {
      const host = await fetchAarch64HostAssets({ log });
      io.stdout(
        `node ${host.node}\nnode-version ${host.nodeVersion}\nkoffi-prebuild ${host.koffiPrebuildDir}\nlib-dir ${host.libDir}\nloader ${host.loader}\n`,
      );
    }
    return 0;
  } catch (error) {
    io.stderr(`vmm-guest: ${oneLine(error)}\n`);
    return 1;
  }
}

function hostPathsJson(): { host: Record<string, unknown> } {
  const host = aarch64HostAssetPaths();
  const ready = [host.node, host.koffiModule, host.loader].every((path) => existsSync(path));
  return { host: { ...host, ready } };
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
