/** How much the bench measures: the same for every run, so that runs compare. */
import type { BenchSettings } from './results.js';

export const SETTINGS: BenchSettings = {
  redemptionsPerDesign: 1_800,
  rounds: 12,
  concurrency: 16,
  rejectionSamples: 100,
  sequentialSamples: 200,
  dynamoDbRoundTripMs: 5,
  roundTripSamples: 100,
  winnerRounds: 5,
  winnerConcurrency: 100,
  coldStartRuns: 10,
  profiledRedemptions: 300,
};
