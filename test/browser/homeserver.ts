/**
 * Browser tests that run on both homeserver implementations (`pnpm test dendrite`): a test that depends on
 * something Dendrite lacks skips there with the reason printed in the run's output, never silently.
 */
import { dendriteSkip, homeserver, type DendriteGap } from '@omnisocial/testing/browser';

/** Skips the running test on Dendrite, printing why (the reason is the one in docs/homeservers.md). */
export async function skipOnDendrite(test: Mocha.Context, gap: DendriteGap): Promise<void> {
  const reason = dendriteSkip(gap, (await homeserver()).implementation);
  if (reason === false) return;
  console.warn(`${test.test?.fullTitle() ?? 'a test'}: ${reason}`);
  test.skip();
}
