/** One CloudWatch embedded-metric-format record, as Powertools Metrics writes it. */
export interface EmfRecord {
  namespace: string;
  metrics: string[];
  dimensions: string[];
  values: Record<string, unknown>;
}

/** The EMF records in captured output (one JSON line each, starting with `{"_aws"`). */
export function emfRecords(output: string): EmfRecord[] {
  return output.split('\n').flatMap((line) => {
    if (!line.startsWith('{"_aws"')) return [];
    const record = JSON.parse(line);
    const [directive] = record._aws.CloudWatchMetrics;
    return [
      {
        namespace: directive.Namespace,
        metrics: directive.Metrics.map((metric: { Name: string }) => metric.Name),
        dimensions: directive.Dimensions.flat(),
        values: record,
      },
    ];
  });
}
