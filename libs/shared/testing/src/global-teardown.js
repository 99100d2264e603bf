// @ts-check
/**
 * Stops whatever the global setup started (containers, the embedded database and its PostgreSQL
 * database, a private broker), newest first, even when a suite failed. A stop that fails does not
 * keep the others from running; the first failure is reported after all ran.
 */
module.exports = async function globalTeardown() {
  const g = /** @type {any} */ (globalThis);
  const stops = g.__POS_TEST_INFRA_STOPS__ ?? [];
  g.__POS_TEST_INFRA_STOPS__ = [];
  let failure;
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure) throw failure;
};
