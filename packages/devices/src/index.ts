export type { ConsoleSink } from './console-sink.js';
export { DeviceConfigError } from './errors.js';
export { ByteRegisterDevice } from './byte-register-device.js';
export { Uart8250SharedState } from './uart8250-shared-state.js';
export { Uart8250, type Uart8250Options } from './uart8250.js';
export { Uart8250Input, type Uart8250InputOptions } from './uart8250-input.js';
export { I8042, type I8042Options } from './i8042.js';
export { CmosRtc, type CmosRtcOptions } from './cmos-rtc.js';
export { NullPioDevice } from './null-pio-device.js';
