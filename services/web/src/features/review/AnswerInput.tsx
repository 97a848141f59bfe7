import { MAX_CELL_VALUE, type ReviewAnswer } from '@castor/contracts';
import { Kbd, Stack, Table, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { t } from '../../i18n/es-CO';

/** The keys of the desk besides the digits; the legend shows the same ones. */
export const ANSWER_KEYS = { accept: 'Enter', illegible: 'I', empty: 'V' } as const;

/** The keyboard legend, always on screen next to the input. */
export function KeyLegend() {
  const rows: Array<[string, string]> = [
    ['0–9', t.review.keys.digits],
    [ANSWER_KEYS.accept, t.review.keys.enter],
    [ANSWER_KEYS.illegible, t.review.keys.illegible],
    [ANSWER_KEYS.empty, t.review.keys.empty],
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
    </Stack>
  );
}

/**
 * Where the reviewer answers, keyboard only: digits, Enter accepts them, I marks the cell
 * illegible, V empty. Focused whenever it can be typed into, so the hands never leave the keys.
 */
export function AnswerInput({
  label,
  disabled,
  onAnswer,
}: {
  label: string;
  disabled: boolean;
  onAnswer: (answer: ReviewAnswer) => void;
}) {
  const [digits, setDigits] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (!disabled) input.current?.focus();
  }, [disabled]);

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (disabled) return;
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
