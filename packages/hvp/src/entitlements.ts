/**
 * The entitlement a process needs before Hypervisor.framework lets it create a VM; without it
 * `hv_vm_create` returns HV_DENIED (Apple: "Hypervisor" documentation, `entitlements.plist` of
 * rust-vm and applevisor).
 */
export const HYPERVISOR_ENTITLEMENT = 'com.apple.security.hypervisor';

/** The contents of the `entitlements.plist` this package ships (granting the entitlement). */
export const HVP_ENTITLEMENTS_PLIST = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>${HYPERVISOR_ENTITLEMENT}</key>
	<true/>
</dict>
</plist>
`;

/**
 * What to do when the running `node` lacks the entitlement: sign a copy of node with it
 * (ad-hoc signing suffices) and run vmm with that copy.
 */
export const HVP_SIGNING_STEPS = [
  `1. Save this as entitlements.plist (the file also ships in @vmm/hvp):`,
  HVP_ENTITLEMENTS_PLIST.trimEnd(),
  `2. Sign a copy of node with it:`,
  `   cp "$(command -v node)" ./node-hvp && codesign --sign - --entitlements entitlements.plist --force ./node-hvp`,
  `3. Run vmm with the signed copy, e.g. ./node-hvp "$(command -v vmm)" <arguments>`,
].join('\n');
