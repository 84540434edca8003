/**
 * Where a console device sends the bytes the guest transmits. It is called on the device's
 * thread (a vCPU worker) with freshly allocated bytes it may keep; it may batch them before
 * passing them on, but it must not block.
 */
export type ConsoleSink = (bytes: Uint8Array) => void;
