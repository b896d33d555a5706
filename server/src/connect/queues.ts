import { paginateListQueues, type ConnectClient } from '@aws-sdk/client-connect';
import { z } from 'zod';

export interface QueueRef {
  id: string;
  arn: string;
  name: string;
}

const queueSummarySchema = z.object({
  Id: z.string().min(1),
  Arn: z.string().min(1),
  Name: z.string().default(''),
});

/** Every STANDARD queue of the instance (per-agent queues are not wallboard material). */
export async function listStandardQueues(client: ConnectClient, instanceId: string): Promise<QueueRef[]> {
  const queues: QueueRef[] = [];
  const pages = paginateListQueues(
    { client, pageSize: 1000 },
    { InstanceId: instanceId, QueueTypes: ['STANDARD'], MaxResults: 1000 },
  );
  for await (const page of pages) {
    for (const summary of page.QueueSummaryList ?? []) {
      const parsed = queueSummarySchema.safeParse(summary);
      if (parsed.success) queues.push({ id: parsed.data.Id, arn: parsed.data.Arn, name: parsed.data.Name });
    }
  }
  return queues;
}
