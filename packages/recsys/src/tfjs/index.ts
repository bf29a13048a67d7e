// @marksman/recsys/tfjs: the learned recommenders and everything else that
// runs on TensorFlow.js. `@tensorflow/tfjs-core` and every backend are
// optional peers of @marksman/recsys: a user of the classic models (the main
// entry) installs and loads none of them. Side-effect free: backends are
// registered only inside useBackend.

export { useBackend } from './useBackend';
export type { BackendRequest, BackendName, BackendEnvironment, BackendAttempt, BackendChoice, UseBackendOptions } from './useBackend';

export { tfjsBprEngine } from './bprEngine';
export type { TfjsBprEngineOptions } from './bprEngine';

export { TwoTower } from './twoTower';
export type { TwoTowerOptions } from './twoTower';

export { FactorizationMachine } from './factorizationMachine';
export type { FactorizationMachineOptions, ContextInteraction, PredictRow } from './factorizationMachine';

export { NeuMF } from './neuMF';
export type { NeuMFOptions } from './neuMF';

export type {
  UserFeatureRecord,
  ItemFeatureRecord,
  ValidationScore,
  LearnedFitProgress,
  LearnedFitOptions,
  LearnedFitReport,
  LearnedCommonOptions,
  LearnedRecommenderJSON,
  LearnedSidesJSON,
  WeightJSON,
} from './learned';
export type { FeatureValue, FeatureField, FeatureSpaceJSON } from './features';
export type { SideJSON, SideInputsJSON } from './sides';
export type { SaveReport } from './artifacts';
