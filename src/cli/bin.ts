#!/usr/bin/env node
import { main } from './main.js';
import { exitWhenFlushed } from './exit.js';

exitWhenFlushed(main(process.argv.slice(2)));
