// @marksman/datasets public entry: explicit named exports only (see CONTRIBUTING.md).
export {};
