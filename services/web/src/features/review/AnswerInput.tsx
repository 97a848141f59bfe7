import { MAX_CELL_VALUE, type ReviewAnswer } from '@castor/contracts';
import { Kbd, Stack, Table, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { t } from '../../i18n/es-CO';

/**
 * The keys of the desk besides the digits; the legend shows the same ones. Letters, so they never
 * clash with typing a number: I(legible), V(acía), S(altar).
 */
export const ANSWER_KEYS = { accept: 'Enter', illegible: 'I', empty: 'V', skip: 'S' } as const;

/** The keyboard legend, always on screen next to the input; the desk's also has the skip key. */
export function KeyLegend({ withSkip = false }: { withSkip?: boolean }) {
  const rows: Array<[string, string]> = [
    ['0–9', t.review.keys.digits],
    [ANSWER_KEYS.accept, t.review.keys.enter],
    [ANSWER_KEYS.illegible, t.review.keys.illegible],
    [ANSWER_KEYS.empty, t.review.keys.empty],
    ...(withSkip ? [[ANSWER_KEYS.skip, t.review.keys.skip] as [string, string]] : []),
  ];
  return (
    <Stack gap={4}>
      <Text size="xs" fw={600} tt="uppercase" id="review-keys">
        {t.review.legendTitle}
      </Text>
      <Table withRowBorders={false} verticalSpacing={2} aria-labelledby="review-keys">
        <Table.Tbody>
          {rows.map(([key, action]) => (
            <Table.Tr key={key}>
              <Table.Td w={80}>
                <Kbd size="xs">{key}</Kbd>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{action}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {withSkip && <Text size="xs">{t.review.keysHelp}</Text>}
    </Stack>
  );
}

/**
 * Where the reviewer answers, keyboard only: digits, Enter accepts them, I marks the cell
 * illegible, V empty, S skips it (when `onSkip` is given). Focused whenever it can be typed into,
 * so the hands never leave the keys. `onTyping` hears every key, the desk keeps the lease with it.
 */
export function AnswerInput({
  label,
  disabled,
  onAnswer,
  onSkip,
  onTyping,
}: {
  label: string;
  disabled: boolean;
  onAnswer: (answer: ReviewAnswer) => void;
  onSkip?: () => void;
  onTyping?: () => void;
}) {
  const [digits, setDigits] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!disabled) input.current?.focus();
  }, [disabled]);

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (disabled) return;
    onTyping?.();
    const key = event.key.toUpperCase();
    if (event.key === ANSWER_KEYS.accept) {
      event.preventDefault();
      if (digits === '') {
        setHint(t.review.typeFirst);
        return;
      }
      onAnswer({ value: Number(digits) });
    } else if (key === ANSWER_KEYS.illegible) {
      event.preventDefault();
      onAnswer({ illegible: true });
    } else if (key === ANSWER_KEYS.empty) {
      event.preventDefault();
      onAnswer({ empty: true });
    } else if (key === ANSWER_KEYS.skip && onSkip) {
      event.preventDefault();
      onSkip();
    }
  };

  return (
    <TextInput
      ref={input}
      label={label}
      value={digits}
      readOnly={disabled}
      aria-describedby="review-keys"
      inputMode="numeric"
      autoComplete="off"
      size="xl"
      w={260}
      styles={{
        label: { fontSize: 'var(--mantine-font-size-sm)' },
        input: { fontSize: 36, fontWeight: 700, letterSpacing: 2, fontVariantNumeric: 'tabular-nums' },
      }}
      maxLength={String(MAX_CELL_VALUE).length}
      error={hint}
      onKeyDown={onKeyDown}
      onChange={(event) => {
        setHint(null);
        setDigits(event.currentTarget.value.replace(/\D/g, ''));
      }}
    />
  );
}
