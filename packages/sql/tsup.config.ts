import { packageConfig } from '../../tsup.base';

// Two entries: the browser-safe generators (main) and the DuckDB runner (`@marksman/sql/node`).
export default packageConfig({ entry: ['src/index.ts', 'src/node.ts'], external: ['@duckdb/node-api', '@duckdb/duckdb-wasm'] });
