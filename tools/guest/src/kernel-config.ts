/** How a kernel provides KVM, from its `CONFIG_KVM` option. */
export type KvmBuild = 'built-in' | 'module' | 'absent';

/**
 * Returns the value of `option` (e.g. `CONFIG_KVM`) in the text of a kernel `.config` (such as
 * Debian's `boot/config-<release>`): `y`, `m`, a number or string as written; `null` when the
 * option is `is not set` or missing.
 */
export function kernelConfigValue(config: string, option: string): string | null {
  for (const line of config.split('\n')) {
    if (line.startsWith(`${option}=`)) {
      return line.slice(option.length + 1).trim();
    }
  }
  return null;
}

/** Tells how the kernel whose `.config` text is `config` provides KVM (`CONFIG_KVM`). */
export function kvmBuild(config: string): KvmBuild {
  switch (kernelConfigValue(config, 'CONFIG_KVM')) {
    case 'y':
      return 'built-in';
    case 'm':
      return 'module';
    default:
      return 'absent';
  }
}
