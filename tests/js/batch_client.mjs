// A Batch client in another language, for tests/test_endpoint_clients.py: it lists, paginates,
// submits and gets a ClientException from the fake's HTTP endpoint, then prints what it saw as
// one JSON line. The endpoint, region and keys come from the environment (fake_batch_server.env).
//
//   node batch_client.mjs QUEUE JOB_DEFINITION
import {
  BatchClient,
  ClientException,
  ListJobsCommand,
  SubmitJobCommand,
  paginateListJobs,
} from "@aws-sdk/client-batch";

const [queue, definition] = process.argv.slice(2);
const client = new BatchClient({});
const seen = {};

const listed = await client.send(new ListJobsCommand({ jobQueue: queue }));
seen.listed = listed.jobSummaryList.map((summary) => summary.jobId);

seen.pages = [];
const pages = paginateListJobs(
  { client, pageSize: 7 },
  { jobQueue: queue, jobStatus: "RUNNABLE" },
);
for await (const page of pages) {
  seen.pages.push(page.jobSummaryList.map((summary) => summary.jobId));
}

const submitted = await client.send(
  new SubmitJobCommand({ jobName: "from-node", jobQueue: queue, jobDefinition: definition }),
);
seen.submitted = { jobId: submitted.jobId, jobName: submitted.jobName, jobArn: submitted.jobArn };

try {
  await client.send(new ListJobsCommand({ jobQueue: "no-such-queue" }));
  seen.error = null;
} catch (error) {
  seen.error = {
    name: error.name,
    isClientException: error instanceof ClientException,
    status: error.$metadata?.httpStatusCode,
    requestId: error.$metadata?.requestId,
    message: error.message,
  };
}

seen.region = await client.config.region();
console.log(JSON.stringify(seen));
