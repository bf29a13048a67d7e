// @marksman/recsys public entry: explicit named exports only (see CONTRIBUTING.md).
export {};
