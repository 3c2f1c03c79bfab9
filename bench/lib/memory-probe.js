'use strict';
// Preloaded (`node --expose-gc --require`) into a server under the memory soak: on each
// "measure" message from the bench, collects garbage twice and answers with the process's
// memory, so that heap readings compare live objects only, not garbage not yet collected.
process.on('message', (message) => {
  if (message !== 'measure') return;
  global.gc?.();
  global.gc?.();
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 100) / 100;
  process.send?.({ rss_mb: mb(rss), heap_used_mb: mb(heapUsed), heap_total_mb: mb(heapTotal), external_mb: mb(external), array_buffers_mb: mb(arrayBuffers) });
});
