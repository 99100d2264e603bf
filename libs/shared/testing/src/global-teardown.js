// @ts-check
/** Once the run is over, a process still held open by a suite must not keep jest (and CI) waiting. */
const EXIT_GRACE_MS = 10_000;

/**
 * Stops whatever the global setup started (containers, the embedded database, a private broker),
 * each even when another fails. Then, outside watch mode, makes sure jest exits: a suite that
 * failed part-way through its set-up can leave a service with open database and broker
 * connections behind, and when the tests run in jest's own process (one worker, as on two cores)
 * those keep it alive after the results are printed. If it is still running EXIT_GRACE_MS later,
 * it exits with the code jest decided (non-zero when a test failed), saying why.
 *
 * @param {{ watch?: boolean, watchAll?: boolean }} [globalConfig]
 */
module.exports = async function globalTeardown(globalConfig) {
  await stopInfra();
  if (globalConfig?.watch || globalConfig?.watchAll) return;
  setTimeout(() => {
    process.stderr.write(
      `[test-infra] jest was still running ${EXIT_GRACE_MS / 1000} s after the run: a suite left connections or timers open ` +
        `(run it with --detectOpenHandles to see which); exiting now, with jest's exit code\n`,
    );
    process.exit();
  }, EXIT_GRACE_MS).unref();
};

/** Stops, newest first, what the global setup registered in `__POS_TEST_INFRA_STOPS__`; also used when the set-up fails part-way. */
async function stopInfra() {
  const g = /** @type {any} */ (globalThis);
  const stops = g.__POS_TEST_INFRA_STOPS__ ?? [];
  g.__POS_TEST_INFRA_STOPS__ = [];
  for (const stop of stops.reverse()) {
    await Promise.resolve()
      .then(stop)
      .catch((/** @type {Error} */ err) => process.stderr.write(`[test-infra] could not stop: ${err?.message ?? err}\n`));
  }
}
module.exports.stopInfra = stopInfra;
