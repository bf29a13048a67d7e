// @marksman/datasets public entry: explicit named exports only (see CONTRIBUTING.md).
export { simulateShop } from './simulateShop';
export type {
  SimulateShopOptions,
  ShopCampaignOptions,
  ShopBgNbdParameters,
  ShopGammaGammaParameters,
  SimulatedShop,
  ShopCampaign,
  ShopCampaignAssignment,
  ShopCampaignOutcome,
  ShopTruth,
  ShopTreatmentEffects,
} from './simulateShop';

export { parseMovieLensRatings, parseMovieLensItems, parseMovieLensUsers } from './parseMovieLens100k';
export type { MovieLensParseOptions, MovieLensItem } from './parseMovieLens100k';

export { parseCdnow } from './parseCdnow';
export type { CdnowParseOptions } from './parseCdnow';

export { parseHillstrom } from './parseHillstrom';
export type { HillstromParseOptions, HillstromRow, HillstromSegment } from './parseHillstrom';

export { parseOnlineRetail, readOnlineRetail } from './parseOnlineRetail';
export type { OnlineRetailParseOptions, OnlineRetailLine, OnlineRetailColumns, OnlineRetailData } from './parseOnlineRetail';
