import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addRotationStepMetric,
  FAILED_OUTCOME,
  ROTATION_DIMENSION,
  ROTATION_METRIC,
  UNKNOWN_STEP,
} from '../../functions/rotate/rotation-metrics.js';
import { captureOutput, type OutputCapture } from '../integration/support/output-capture.js';
import { emfRecords } from '../support/emf.js';

describe('addRotationStepMetric', () => {
  let output: OutputCapture;
  let metrics: Metrics;

  beforeEach(() => {
    output = captureOutput();
    metrics = new Metrics({ namespace: 'TestNamespace', serviceName: 'rotation-under-test' });
  });
  afterEach(() => output.stop());

  it('writes RotationStep = 1 at once, with the service, step and outcome dimensions', () => {
    addRotationStepMetric(metrics, 'createSecret', 'rotated-and-stored');

    const records = emfRecords(output.text());
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      namespace: 'TestNamespace',
      metrics: [ROTATION_METRIC.step],
      values: {
        [ROTATION_METRIC.step]: 1,
        service: 'rotation-under-test',
        [ROTATION_DIMENSION.step]: 'createSecret',
        [ROTATION_DIMENSION.outcome]: 'rotated-and-stored',
      },
    });
    expect([...(records[0]?.dimensions ?? [])].sort()).toEqual(['outcome', 'service', 'step']);
  });

  it('keeps each step in a record of its own, failures included', () => {
    addRotationStepMetric(metrics, 'setSecret', 'thoughtspot-holds-pending');
    addRotationStepMetric(metrics, 'testSecret', FAILED_OUTCOME);

    const outcomes = emfRecords(output.text()).map((record) => [
      record.values.step,
      record.values.outcome,
    ]);
    expect(outcomes).toEqual([
      ['setSecret', 'thoughtspot-holds-pending'],
      ['testSecret', 'failed'],
    ]);
  });

  it('names the step "unknown" when the event could not be read', () => {
    addRotationStepMetric(metrics, undefined, FAILED_OUTCOME);

    expect(emfRecords(output.text())[0]?.values).toMatchObject({
      step: UNKNOWN_STEP,
      outcome: FAILED_OUTCOME,
    });
  });
});
