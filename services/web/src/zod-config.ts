import { z } from 'zod';

// zod compiles object parsers with `new Function` when it may, and probes for that as schemas are
// built; the app's Content-Security-Policy (no 'unsafe-eval', as nginx sends it) forbids it and the
// probe logs a violation. main.tsx imports this module first, before any schema exists.
z.config({ jitless: true });
