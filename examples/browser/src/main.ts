// The page: pick the data (simulated shop or a dropped u.data), choose the
// TensorFlow.js backend, train BPR and TwoTower with a live loss chart, and
// list recommendations for a chosen customer. Every input can be preset
// from the URL (`?customers=300&tower-epochs=5`).
//
// A bundled app imports the backends it wants; useBackend('auto') then picks
// the best one that works here: webgpu (on a hardware adapter), webgl, cpu.
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@marksman/recsys/tfjs';
import { movieLensData, shopData, type ExampleData } from './data';
import { drawLossChart } from './lossChart';
import type { ExampleResult } from './result';
import { topK, trainBoth, usersOf, type ModelName, type TrainSettings, type Trained } from './train';

declare global {
  interface Window {
    /** The page's state and results (see ExampleResult). */
    marksmanExample: ExampleResult;
  }
}

// WebGL compiles a shader for each operation and input shape, and the learned
// models' sparse updates change shape every batch (the rows a batch touches).
// With shapes passed as uniforms one shader serves every shape, and unpacked
// textures keep the shaders simple: in headless Chromium's software WebGL
// (SwiftShader) this made training about 3 times faster, and it shortens
// the start on real GPUs too. Same arithmetic either way.
tf.env().set('WEBGL_USE_SHAPES_UNIFORMS', true);
tf.env().set('WEBGL_PACK', false);

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const num = (id: string): number => Number($<HTMLInputElement>(id).value);
const MODELS: readonly ModelName[] = ['BPR', 'TwoTower'];

const result: ExampleResult = { state: 'idle', error: null, backend: null, attempts: [], data: null, settings: null, runs: [], users: [], top10: {} };
window.marksmanExample = result;

for (const [key, value] of new URLSearchParams(location.search)) {
  const input = document.getElementById(key);
  if (input instanceof HTMLInputElement && input.type === 'number') input.value = value;
}

let dropped: ExampleData | null = null;
let trained: { data: ExampleData; models: Trained } | null = null;
let abort: AbortController | null = null;

function setState(state: ExampleResult['state'], status: string): void {
  result.state = state;
  document.body.dataset.state = state;
  $('status').textContent = status;
}

function currentData(): ExampleData {
  return dropped ?? shopData({ seed: num('shop-seed'), customers: num('customers'), items: num('items') });
}

function settings(): TrainSettings {
  return {
    seed: num('seed'),
    bprIterations: num('bpr-iterations'),
    bprFactors: num('bpr-factors'),
    bprLearningRate: 0.05,
    bprBatchSize: num('bpr-batch'),
    towerEpochs: num('tower-epochs'),
    towerDim: num('tower-dim'),
    towerBatchSize: num('tower-batch'),
    towerLearningRate: 0.01,
  };
}

async function loadFile(file: File): Promise<void> {
  try {
    dropped = movieLensData(await file.text());
    $('data').textContent = `${file.name}: ${dropped.description}. Train to use it.`;
  } catch (e) {
    dropped = null;
    $('data').textContent = `Could not read ${file.name}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

function showRecommendations(): void {
  const table = $('recs');
  table.replaceChildren();
  if (trained === null) return;
  const user = $<HTMLSelectElement>('customer').value;
  const u = result.users.indexOf(user);
  const label = (id: string) => {
    const l = trained!.data.itemLabels.get(id);
    return l ? `${id} (${l})` : id;
  };
  const history = trained.data.rows.filter((r) => String(r.userId) === user).map((r) => label(String(r.itemId)));
  const columns: Array<[string, string[]]> = [
    ...MODELS.map((m): [string, string[]] => [`${m} top 10`, (result.top10[m]?.[u] ?? []).map(label)]),
    [`bought / rated (${history.length})`, history.slice(0, 10)],
  ];
  const head = document.createElement('tr');
  for (const [title] of columns) head.append(Object.assign(document.createElement('th'), { textContent: title }));
  table.append(head);
  for (let r = 0; r < 10; r++) {
    const tr = document.createElement('tr');
    for (const [, list] of columns) tr.append(Object.assign(document.createElement('td'), { textContent: list[r] ?? '' }));
    table.append(tr);
  }
}

async function train(): Promise<void> {
  $<HTMLButtonElement>('train').disabled = true;
  $<HTMLButtonElement>('stop').disabled = false;
  abort = new AbortController();
  const losses: Record<ModelName, number[]> = { BPR: [], TwoTower: [] };
  try {
    setState('training', 'choosing a backend…');
    const choice = await useBackend('auto');
    result.backend = choice.backend;
    result.attempts = choice.attempts.map((a) => `${a.backend}:${a.outcome}`);
    const data = currentData();
    const s = settings();
    result.data = data.description;
    result.settings = s;
    $('data').textContent = data.description;
    const epochs: Record<ModelName, number> = { BPR: s.bprIterations, TwoTower: s.towerEpochs };
    for (const m of MODELS) drawLossChart($<HTMLElement>(`chart-${m}`) as unknown as SVGSVGElement, [], epochs[m]);
    setState('training', `training on ${choice.backend} (${result.attempts.join(', ')})…`);
    const models = await trainBoth(
      data.rows,
      s,
      (model, epoch, loss) => {
        losses[model].push(loss);
        drawLossChart(document.getElementById(`chart-${model}`) as unknown as SVGSVGElement, losses[model], epochs[model]);
        $('status').textContent = `training ${model} on ${choice.backend}: epoch ${epoch}/${epochs[model]}, loss ${loss.toFixed(4)}`;
      },
      abort.signal,
    );
    const users = usersOf(data.rows);
    result.users = users.map(String);
    result.runs = models.runs;
    result.top10 = { BPR: topK(models.bpr, users, 10), TwoTower: topK(models.twoTower, users, 10) };
    trained = { data, models };
    const select = $<HTMLSelectElement>('customer');
    select.replaceChildren(...result.users.map((u) => Object.assign(document.createElement('option'), { value: u, textContent: u })));
    select.disabled = false;
    showRecommendations();
    setState('done', `trained on ${choice.backend}: ${models.runs.map((r) => `${r.model} ${r.seconds.toFixed(1)} s, loss ${r.losses[0]?.toFixed(3)} → ${r.losses.at(-1)?.toFixed(3)}`).join('; ')}`);
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
    setState('error', result.error);
  } finally {
    $<HTMLButtonElement>('train').disabled = false;
    $<HTMLButtonElement>('stop').disabled = true;
  }
}

$('train').addEventListener('click', () => void train());
$('stop').addEventListener('click', () => abort?.abort());
$('customer').addEventListener('change', showRecommendations);
$<HTMLInputElement>('file').addEventListener('change', (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) void loadFile(file);
});
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) void loadFile(file);
});
