import { suite } from './suites/age-cli-interop.ts';

suite('wasm');
