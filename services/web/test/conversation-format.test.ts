import { describe, expect, it } from 'vitest';
import { importTypeOf } from '../src/api/dashboard';
import { periodOf } from '../src/components/conversation-controls';
import { changeInWords, formatNet, formatShare } from '../src/components/conversation-format';

// ICU versions differ on the space before % (none, a space or a no-break space): compared without it.
const tight = (text: string) => text.replace(/\s/g, '');

describe('changeInWords', () => {
  it('reads a count change relative to the previous period', () => {
    const up = changeInWords(0.25, 'relative');
    const down = changeInWords(-0.5, 'relative');
    expect([up.direction, tight(up.amount)]).toEqual(['up', '25%']);
    expect([down.direction, tight(down.amount)]).toEqual(['down', '50%']);
  });

  it('reads a share change in percentage points', () => {
    expect(changeInWords(0.05, 'points')).toEqual({ direction: 'up', amount: '5' });
    expect(changeInWords(-0.125, 'points')).toEqual({ direction: 'down', amount: '12,5' });
  });

  it('tells no change from no previous period', () => {
    expect(changeInWords(0.0001, 'points').direction).toBe('same');
    expect(changeInWords(null, 'relative').direction).toBe('none');
  });
});

describe('formatting the measures', () => {
  it('writes shares and the net sentiment as es-CO does, a dash when there is none', () => {
    expect(tight(formatShare(0.125))).toBe('12,5%');
    expect(formatNet(0.1234)).toBe('+0,12');
    expect(formatNet(-0.5)).toMatch(/^[-−]0,50$/);
    expect(formatShare(null)).toBe('—');
  });
});

describe('periodOf', () => {
  it('ends at the end of the current hour and spans the days asked for', () => {
    const now = Date.parse('2026-05-31T14:20:00Z');
    expect(periodOf('7', now)).toEqual({ from: '2026-05-24T15:00:00.000Z', to: '2026-05-31T15:00:00.000Z' });
    expect(periodOf('7', Date.parse('2026-05-31T14:59:59Z'))).toEqual(periodOf('7', now));
  });
});

describe('importTypeOf', () => {
  it('sends JSON lines as ndjson and anything else as CSV', () => {
    expect(importTypeOf('posts.jsonl')).toBe('application/x-ndjson');
    expect(importTypeOf('POSTS.NDJSON')).toBe('application/x-ndjson');
    expect(importTypeOf('export.csv')).toBe('text/csv');
  });
});
