import { chromium } from 'playwright-core';
import { serveStatic } from './serve.mjs';
