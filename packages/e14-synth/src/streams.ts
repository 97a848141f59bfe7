/**
 * The purposes randomness is drawn for. Each is a separate stream family (see random.ts), so
 * changing how one thing is decided (say the fault rates) never shifts the numbers of another
 * (the territory, the honest counts). Never renumber: the values are part of the output.
 */
export const STREAM = {
  territory: 1,
  names: 2,
  ballots: 3,
  regional: 4,
  turnout: 5,
  count: 6,
  sheetStyle: 7,
  faultDraw: 8,
  faultApply: 9,
  codes: 10,
} as const;
