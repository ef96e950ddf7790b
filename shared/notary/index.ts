/** Notarization model shared by every layer: typed data, leaves and tree, manifest. */
export * from './typed-data.ts';
export * from './leaf.ts';
export * from './manifest.ts';
