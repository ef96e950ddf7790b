/**
 * Public surface of the end-to-end test bridge (tests only; never packaged): the
 * contract over HTTP on 127.0.0.1 for a plain browser.
 */
export { startTestBridge } from './server.ts';
export type { BridgeCore, TestBridge, TestBridgeOptions } from './server.ts';
