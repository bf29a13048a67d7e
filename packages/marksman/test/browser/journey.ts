// The small journey the umbrella must run in a browser as in Node: simulate a
// shop, profile it (RFM), segment it (k-means on standardised log-RFM) and
// test its campaign (two-proportion z-test). Seeded, so both runs must agree.
import { kmeans, proportionsZTest, rfm, simulateShop, standardScaler } from 'marksman';

/** Everything the journey produced, as plain numbers (JSON-safe). */
export interface JourneyResult {
  orderLines: number;
  events: number;
  customerIds: string[];
  frequency: number[];
  recency: number[];
  monetary: number[];
  labels: number[];
  inertia: number;
  iterations: number;
  arms: string[];
  control: { n: number; conversions: number };
  treatment: { n: number; conversions: number };
  z: number;
  pValue: number;
}

export function journey(): JourneyResult {
  const shop = simulateShop({ seed: 3, customers: 1_500, items: 150 });
  const asOf = shop.campaign.startTime;
  const profiles = rfm(
    shop.transactions.filter((t) => t.timestamp < asOf),
    { asOf },
  );
  const column = (name: string) => Array.from(profiles.numericColumn(name));
  const recency = column('recency');
  const frequency = column('frequency');
  const monetary = column('monetary');
  const logged = recency.map((r, i) => [Math.log1p(r), Math.log1p(frequency[i]!), Math.log1p(monetary[i]!)]);
  const features = standardScaler().fit(logged).transform(logged);
  const km = kmeans(features, 4, { nInit: 3, seed: 1 });
  const arms = [...shop.campaign.arms];
  const counts = (arm: string) => {
    const rows = shop.campaign.outcomes.filter((o) => o.arm === arm);
    return { n: rows.length, conversions: rows.reduce((s, o) => s + o.converted, 0) };
  };
  const control = counts(arms[0]!);
  const treatment = counts(arms[1]!);
  const test = proportionsZTest(control, treatment);
  return {
    orderLines: shop.transactions.length,
    events: shop.events.length,
    customerIds: (profiles.column('customerId') as ArrayLike<unknown> as unknown[]).map(String),
    frequency,
    recency,
    monetary,
    labels: Array.from(km.labels),
    inertia: km.inertia,
    iterations: km.iterations,
    arms,
    control,
    treatment,
    z: test.z,
    pValue: test.pValue,
  };
}
