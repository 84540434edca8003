import { expect } from 'vitest';
import { describeNestedSuite } from './fixtures/nested-suite.js';

/**
 * The x86_64 proof: QEMU (TCG, emulated AMD SVM with nested paging) boots the Debian kernel
 * with the KVM modules, vmm runs in it and boots the inner guest (bzImage, 8250, ACPI power-off,
 * i8042 reset). The outer kernel logs to its own serial port.
 */
await describeNestedSuite('x86_64', {
  outerKvmLog: /Nested Paging enabled/,
  panicSource: 'kernel-log',
  checkBoot(inner) {
    // The profile hides XSAVE (`--hide-cpu-feature xsave`), which this outer host breaks.
    expect(inner).not.toContain('XSAVE consistency problem');
  },
});
