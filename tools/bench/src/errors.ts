import { VmmError } from '@vmm/core';

/** A benchmark could not produce its figures; the message says what went wrong and what to do. */
export class BenchError extends VmmError {}
