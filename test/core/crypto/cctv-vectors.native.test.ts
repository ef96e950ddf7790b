import { suite } from './suites/cctv-vectors.ts';

suite('native');
