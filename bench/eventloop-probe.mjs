/**
 * Bench-only preload (node --import), never part of the service: measures the server's event-loop
 * delay from inside with perf_hooks. The benchmark asks over the IPC channel it opened ('eld'); the
 * probe answers with the percentiles (ms) since the previous question and starts a new window.
 * Not a signal: close-with-grace treats SIGUSR2 as a shutdown request. Plain JavaScript, so the
 * compiled service runs without the tsx loader (whose thread would add ~40 MB to its RSS).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

if (process.send) {
  const RESOLUTION_MS = 10;
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  // The histogram records whole timer intervals; the delay is what exceeds the resolution (as under-pressure does).
  const ms = (ns) => Math.max(0, Math.round(ns / 1e4 - RESOLUTION_MS * 100) / 100);
  process.on('message', (message) => {
    if (message !== 'eld') return;
    process.send?.({
      eld: {
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
        samples: histogram.count,
      },
    });
    histogram.reset();
  });
  // The channel must not keep a server that is shutting down alive.
  process.channel?.unref();
}
