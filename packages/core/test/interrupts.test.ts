import { describe, expect, it } from 'vitest';
import { interruptLine, type InterruptController } from '../src/index.js';

describe('interruptLine', () => {
  it('drives one line of the controller and pulses as raise-then-lower', () => {
    const seen: string[] = [];
    const controller: InterruptController = {
      setLevel: (line, asserted) => seen.push(`${line}=${asserted ? 1 : 0}`),
    };
    const line = interruptLine(controller, 4);
    line.setLevel(true);
    line.pulse();
    expect(seen).toEqual(['4=1', '4=1', '4=0']);
  });
});
