/**
 * The numbers of one E-14 as a flat array of cells, in the order the form prints them:
 *
 *   [sufragantes, urna, incinerados, vote rows…, printed list totals…, blancos, nulos, noMarcados, sumaTotal]
 *
 * Vote rows follow the ballot (a candidate; a list sin voto preferente; or, for a list con voto
 * preferente, its "solo por la agrupación" row 0 and candidate rows 101, 102…). The printed TOTAL
 * of each list con voto preferente follows the rows. Every fault is a change of some cells, so
 * comparing two versions of a sheet is comparing two arrays, and every cell has a path
 * (`nivelacion.urna`, `votes.3-101`, `listTotals.3`, `blancos`) used in fault labels.
 */
export type Cells = Int32Array;

export class SheetLayout {
  static readonly SUFRAGANTES = 0;
  static readonly URNA = 1;
  static readonly INCINERADOS = 2;
  static readonly FIRST_VOTE = 3;

  readonly votesEnd: number;
  readonly listTotalsStart: number;
  readonly blancos: number;
  readonly nulos: number;
  readonly noMarcados: number;
  readonly sumaTotal: number;
  readonly size: number;
  /** The path of every cell, e.g. `votes.3-101`. */
  readonly paths: readonly string[];

  /**
   * @param optionKeys the official `opcion` of each vote row ('2', '3-0', '3-101')
   * @param listTotalBallots the ballot number of each list con voto preferente
   */
  constructor(optionKeys: readonly string[], listTotalBallots: readonly number[]) {
    this.votesEnd = SheetLayout.FIRST_VOTE + optionKeys.length;
    this.listTotalsStart = this.votesEnd;
    this.blancos = this.listTotalsStart + listTotalBallots.length;
    this.nulos = this.blancos + 1;
    this.noMarcados = this.blancos + 2;
    this.sumaTotal = this.blancos + 3;
    this.size = this.blancos + 4;
    this.paths = [
      'nivelacion.sufragantes',
      'nivelacion.urna',
      'nivelacion.incinerados',
      ...optionKeys.map((key) => `votes.${key}`),
      ...listTotalBallots.map((ballot) => `listTotals.${ballot}`),
      'blancos',
      'nulos',
      'noMarcados',
      'sumaTotal',
    ];
  }

  vote(option: number): number {
    return SheetLayout.FIRST_VOTE + option;
  }

  listTotal(list: number): number {
    return this.listTotalsStart + list;
  }

  isVote(cell: number): boolean {
    return cell >= SheetLayout.FIRST_VOTE && cell < this.votesEnd;
  }

  /** The cells an official feed carries: vote rows, blancos, nulos, no marcados and sufragantes. */
  inFeed(cell: number): boolean {
    return (
      this.isVote(cell) ||
      cell === this.blancos ||
      cell === this.nulos ||
      cell === this.noMarcados ||
      cell === SheetLayout.SUFRAGANTES
    );
  }

  /** The cells added up by the urn and printed sums: every vote row, blancos, nulos, no marcados. */
  countedCells(): number[] {
    const cells: number[] = [];
    for (let cell = SheetLayout.FIRST_VOTE; cell < this.votesEnd; cell++) cells.push(cell);
    cells.push(this.blancos, this.nulos, this.noMarcados);
    return cells;
  }

  countedSum(cells: Cells): number {
    let sum = 0;
    for (let cell = SheetLayout.FIRST_VOTE; cell < this.votesEnd; cell++) sum += cells[cell] ?? 0;
    return sum + (cells[this.blancos] ?? 0) + (cells[this.nulos] ?? 0) + (cells[this.noMarcados] ?? 0);
  }
}

export function cell(cells: Cells, index: number): number {
  const value = cells[index];
  if (value === undefined) throw new Error(`cell ${index} is outside the sheet`);
  return value;
}
