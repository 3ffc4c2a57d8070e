import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RotationStep } from './rotation-target.js';

/**
 * The metric one rotation step emits: `RotationStep` = 1 with the dimensions `step`
 * and `outcome` (beside Powertools' `service`). The dashboard
 * (infra/cloudformation/dashboard.yml) graphs these names; a template test checks
 * that it graphs only what the function emits.
 */
export const ROTATION_METRIC = {
  step: 'RotationStep',
} as const;

export const ROTATION_DIMENSION = {
  step: 'step',
  outcome: 'outcome',
} as const;

/** The outcome of a step that threw; a step that succeeded reports its own (steps.ts). */
export const FAILED_OUTCOME = 'failed';
/** The step of an event that could not be read. */
export const UNKNOWN_STEP = 'unknown';

/** Counts one step with its outcome, in a record of its own (so the dimensions stay on it). */
export function addRotationStepMetric(
  metrics: Metrics,
  step: RotationStep | undefined,
  outcome: string,
): void {
  const single = metrics.singleMetric();
  single.addDimension(ROTATION_DIMENSION.step, step ?? UNKNOWN_STEP);
  single.addDimension(ROTATION_DIMENSION.outcome, outcome);
  single.addMetric(ROTATION_METRIC.step, MetricUnit.Count, 1);
}
