import fc from 'fast-check';

/*
 * Imported for its effect by every domain test that runs properties. Shrinking
 * a counterexample built with fc.gen and chained arbitraries can take minutes
 * (each shrink step replays every draw); the suite is shared with the rest of
 * the project, so a failing property must report promptly. After the time
 * limit a run stops: a failure found so far is reported with the smallest
 * counterexample reached, and runs that all passed still pass.
 */
fc.configureGlobal({ interruptAfterTimeLimit: 15_000 });
