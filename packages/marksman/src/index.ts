// marksman — every Marksman package in one import, for notebooks and quick
// starts. Each package is also available on its own (@marksman/core, …);
// install those for smaller bundles. Names are unique across packages, so
// the flat re-export below is unambiguous.
export * from '@marksman/core';
export * from '@marksman/metrics';
export * from '@marksman/datasets';
export * from '@marksman/profiling';
export * from '@marksman/learn';
export * from '@marksman/segmentation';
export * from '@marksman/recsys';
export * from '@marksman/experiments';
// The SQL generators and openDuckDBWasm (over a duckdb-wasm database the caller brings; nothing of duckdb-wasm is
// imported): the embedded runner (`@marksman/sql/node`) needs Node and an optional peer.
export * from '@marksman/sql';
// Arrow out and Parquet in/out. apache-arrow stays optional: toArrow takes the
// module the caller imports, and nothing here imports it.
export * from '@marksman/io';
