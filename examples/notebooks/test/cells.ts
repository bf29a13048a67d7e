// Reads a notebook's code cells and turns them into one module that runs
// them in order, the way a kernel would: what a cell prints is marked with
// the cell's number, and a cell's last expression becomes its displayed
// value (Deno's kernel shows it; an object with a Symbol.for('Jupyter.display')
// method is shown as the MIME bundle that method returns).
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** One code cell: its number among all cells (0-based, markdown included) and its source. */
export interface CodeCell {
  readonly index: number;
  readonly source: string;
}

interface NotebookJson {
  readonly cells: ReadonlyArray<{ readonly cell_type: string; readonly source: string | readonly string[] }>;
}

/** The code cells of an .ipynb file, in order. */
export function codeCells(file: string): CodeCell[] {
  const nb = JSON.parse(readFileSync(file, 'utf8')) as NotebookJson;
  const out: CodeCell[] = [];
  nb.cells.forEach((c, index) => {
    if (c.cell_type === 'code') out.push({ index, source: typeof c.source === 'string' ? c.source : c.source.join('') });
  });
  return out;
}

/** Marks a cell's printed output in the run's stdout. */
export const CELL_MARK = '\u001e cell ';

/** The generated module and, for each code cell, the first line it occupies there (1-based). */
export interface CellModule {
  readonly text: string;
  readonly startLines: readonly number[];
}

/**
 * One module running the cells in order. `record` is the name of a function
 * the prelude defines, called with (cell number, value) for each cell whose
 * last statement is an expression.
 */
export function cellModule(cells: readonly CodeCell[], prelude: string, epilogue: string, record: string): CellModule {
  const parts: string[] = [prelude];
  let line = prelude.split('\n').length + 1;
  const startLines: number[] = [];
  for (const cell of cells) {
    const mark = `console.log(${JSON.stringify(`${CELL_MARK}${cell.index}`)});`;
    const body = withLastValue(cell.source, (expr) => `${record}(${cell.index}, ${expr});`);
    parts.push(mark);
    line += 1;
    startLines.push(line);
    parts.push(body);
    line += body.split('\n').length;
  }
  parts.push(epilogue);
  return { text: parts.join('\n'), startLines };
}

/** The source with its last statement, when it is an expression statement, replaced by `wrap(expression)`. */
export function withLastValue(source: string, wrap: (expression: string) => string): string {
  const sf = ts.createSourceFile('cell.ts', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const last = sf.statements.at(-1);
  if (last === undefined || !ts.isExpressionStatement(last)) return source;
  const expr = last.expression.getText(sf);
  return `${source.slice(0, last.getStart(sf))}${wrap(expr)}${source.slice(last.end)}`;
}

/** Which cell a line of the generated module belongs to (its notebook index), or -1. */
export function cellOfLine(m: CellModule, cells: readonly CodeCell[], line: number): number {
  let found = -1;
  m.startLines.forEach((start, i) => {
    if (line >= start) found = cells[i]!.index;
  });
  return found;
}
