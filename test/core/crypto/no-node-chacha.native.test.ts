import { suite } from './suites/no-node-chacha.ts';

suite('native');
