// Preloaded (NODE_OPTIONS="--expose-gc --require …") into a gateway by test/e2e/start.test.ts. On
// SIGUSR2 it keeps ~20 MB alive and churns objects that live just long enough to be promoted to
// the old space (as the gateway's per-call objects do under load), then prints to stderr, as one
// JSON line, the largest old space V8 committed meanwhile and what a full GC finds live: how far
// V8 let the old space grow past what it needed.
const v8 = require('node:v8');
const { writeSync } = require('node:fs');

const oldSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
process.on('SIGUSR2', () => {
  const live = Array.from({ length: 200_000 }, (_, i) => ({ i, name: `live-${i}` }));
  const ring = new Array(100_000);
  let maxOld = 0;
  for (let i = 0; i < 2_000_000; i++) {
    ring[i % ring.length] = { i, pair: [i, i + 1] };
    if (i % 5_000 === 0) maxOld = Math.max(maxOld, oldSpace().space_size);
  }
  globalThis.gc();
  const liveBytes = oldSpace().space_used_size;
  const MiB = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
  writeSync(
    2,
    `${JSON.stringify({ heapProbe: { maxOldMiB: MiB(maxOld), liveMiB: MiB(liveBytes), kept: live.length + ring.length } })}\n`,
  );
});
