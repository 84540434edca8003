import { BootLoaderError } from '../errors.js';

/**
 * A flattened device tree could not be written as asked: nodes left open or closed twice, a
 * property outside a node, a name the devicetree specification forbids, a duplicate, a value out
 * of range, or a tree larger than the layout leaves room for. The message names the node or
 * property at fault.
 */
export class DeviceTreeError extends BootLoaderError {}

/**
 * The guest RAM handed to the aarch64 loader does not match the aarch64 layout: no region of
 * `ramSize` bytes at `RAM_BASE`, or too little RAM to hold the kernel area and the device tree.
 */
export class RamLayoutError extends BootLoaderError {}
