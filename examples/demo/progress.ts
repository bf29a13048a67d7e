// Progress for the demo's steps. On a terminal: yocto-spinner (small, one
// dependency, no install script), a spinner line per step that ends as
// "✔ step (2.1 s)". Our fits run synchronously between their progress
// callbacks, so the line is redrawn from those callbacks (yocto-spinner
// renders when its text is set), not only from the spinner's timer.
// Elsewhere (a pipe, a log file, CI) a spinner would print a line per frame:
// there each step writes plain lines instead, "… step" when it starts, what it
// is doing at most once a second, and "✔ step (2.1 s)" at the end.
import yoctoSpinner from 'yocto-spinner';

/** Says what a step is doing, e.g. `tick('epoch 3 of 15')`. */
export type Tick = (detail: string) => void;

/** Runs the demo's steps with progress, or silently (tests). */
export interface Progress {
  /** Runs `work` as one step called `label`; `tick` reports how far it got. */
  step<T>(label: string, work: (tick: Tick) => Promise<T> | T): Promise<T>;
}

const took = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Progress on a stream (stderr by default, so the summary on stdout stays clean). */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const interactive = Boolean(stream.isTTY) && process.env.TERM !== 'dumb' && !('CI' in process.env);
  if (!interactive) {
    return {
      async step(label, work) {
        const started = performance.now();
        stream.write(`… ${label}\n`);
        let last = started;
        const tick: Tick = (detail) => {
          const now = performance.now();
          if (now - last < 1000) return;
          last = now;
          stream.write(`  ${label}: ${detail}\n`);
        };
        try {
          const result = await work(tick);
          stream.write(`✔ ${label} (${took(started)})\n`);
          return result;
        } catch (e) {
          stream.write(`✖ ${label}: failed\n`);
          throw e;
        }
      },
    };
  }
  return {
    async step(label, work) {
      const started = performance.now();
      const spinner = yoctoSpinner({ text: `${label}…`, stream }).start();
      let last = started;
      const tick: Tick = (detail) => {
        const now = performance.now();
        if (now - last < 80) return;
        last = now;
        spinner.text = `${label}: ${detail}`;
      };
      try {
        const result = await work(tick);
        spinner.success(`${label} (${took(started)})`);
        return result;
      } catch (e) {
        spinner.error(`${label}: failed`);
        throw e;
      }
    },
  };
}

/** No output: every step just runs. */
export const silentProgress: Progress = {
  async step(_label, work) {
    return work(() => {});
  },
};
