import { count } from '../flags.ts';
import { defineCommand, flag } from '../cli/command.ts';
import { log } from '../progress.ts';

export const serveCommand = defineCommand({
  name: 'serve',
  summary: 'the HTTP API (docs at /docs, OpenAPI at /openapi.json)',
  description:
    'Serves the API with API keys and roles (loanwatch keys create). Ctrl-C stops it after the requests in flight.',
  flags: { port: flag(count(0, 65_535).optional(), 'port (default LOANWATCH_PORT, 8080; 0 = any free port)', 'N') },
  examples: ['loanwatch serve --port 8080'],
  warehouse: true,
  run: async ({ wh, config }, f) => {
    // the API (Hono, zod-openapi, every route) is loaded by this command only, not by every command's start
    const { startServer, serveUntilSignal } = await import('../../api/server.ts');
    const { server, port } = await startServer(wh, config, f.port ?? config.LOANWATCH_PORT);
    // the engine runs in this process: its threads yield the CPU to the event loop (beside 8
    // case-list builds, lookups' p99 190 → 40 ms on 2 cores: BENCHMARKS.md, bench/api)
    if (wh.embedded && config.LOANWATCH_API_ENGINE_NICE > 0) {
      const { lowerHelperThreads } = await import('../../api/event-loop-priority.ts');
      lowerHelperThreads({ nice: config.LOANWATCH_API_ENGINE_NICE });
    }
    log(
      `loanwatch API on http://localhost:${port} — docs http://localhost:${port}/docs, OpenAPI http://localhost:${port}/openapi.json`,
    );
    await serveUntilSignal(server, { log });
  },
});
