import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envBoolean, envInt, envRate, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  const schema = z.object({ PORT: envInt(5001, 1, 65_535), RATE: envRate('100/hour'), FLAG: envBoolean(false) });

  it('applies defaults and treats empty strings as unset', () => {
    expect(loadConfig('svc', schema, { PORT: '', RATE: '', FLAG: '' })).toEqual({
      PORT: 5001,
      RATE: { max: 100, windowMs: 3_600_000 },
      FLAG: false,
    });
  });

  it('parses every valid rate spelling and refuses others', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom('second', 'minute', 'hour', 'day'),
        fc.boolean(),
        (max, unit, plural) => {
          const config = loadConfig('svc', schema, { RATE: `${max} / ${unit}${plural ? 's' : ''}` });
          expect(config.RATE.max).toBe(max);
        },
      ),
    );
    for (const bad of ['100', 'hour/100', '100/week', '-1/hour', '1.5/hour']) {
      expect(() => loadConfig('svc', schema, { RATE: bad })).toThrow(ConfigError);
    }
  });

  it('names every bad variable in one error', () => {
    try {
      loadConfig('svc', schema, { PORT: '70000', FLAG: 'maybe', RATE: 'lots' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((problem) => problem.variable).sort()).toEqual([
        'FLAG',
        'PORT',
        'RATE',
      ]);
    }
  });
});
