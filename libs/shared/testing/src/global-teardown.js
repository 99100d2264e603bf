// @ts-check
/** Stops whatever the global setup started (containers, the embedded database, a private broker). */
module.exports = async function globalTeardown() {
  const g = /** @type {any} */ (globalThis);
  const stops = g.__POS_TEST_INFRA_STOPS__ ?? [];
  g.__POS_TEST_INFRA_STOPS__ = [];
  for (const stop of stops.reverse()) await stop();
};
