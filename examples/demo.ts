/**
 * The Marksman demo, a tour of the whole journey: clean → customer value →
 * segments with rules → recommendations → an experiment read three ways →
 * uplift targeting under a budget (measured on a hold-out) →
 * KPIs with intervals. Prints a short summary (progress on stderr) and writes
 * marksman-report.html, with every chart, in the working directory.
 *
 *   npx --yes pnpm@12.4.2 demo                       # the simulated shop
 *   npx --yes pnpm@12.4.2 demo --data ../shared/datasets   # UCI Online Retail + Hillstrom
 *
 * Options: --data <dir> (a folder holding online-retail/ and hillstrom/),
 * --customers <n> (size of the simulated shop), --seed <n> (default 42),
 * --out <dir> (where the report goes; default the working directory).
 * MARKSMAN_DEMO_CUSTOMERS and MARKSMAN_DEMO_SEED set the last two as well.
 */
// The first line goes out before the packages load, so the demo is never silent while it starts.
export {};
console.log('Marksman demo: loading the packages…');
const started = performance.now();

const { parseArgs } = await import('node:util');
const { values } = parseArgs({
  options: { data: { type: 'string' }, customers: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
  strict: true,
});
const number = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got ${text}`);
    process.exit(2);
  }
  return n;
};
const seed = number('seed', values.seed ?? process.env.MARKSMAN_DEMO_SEED) ?? 42;
const customers = number('customers', values.customers ?? process.env.MARKSMAN_DEMO_CUSTOMERS);

const [{ runDemo }, { terminalProgress }] = await Promise.all([import('./demo/journey'), import('./demo/progress')]);
console.log(`Loaded in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
await runDemo({ seed, customers, dataDir: values.data, outDir: values.out ?? process.cwd(), quick: false, out: (line) => console.log(line), progress: terminalProgress() });
console.log('\nMore: docs/README.md lists the guides (customer value, segmentation, A/B testing, recommenders, charts).');
