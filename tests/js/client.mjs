// What the JS SDK scripts share: an EC2 client of `ec2sim serve` (the tests' credentials, no
// retries) and what an error tells the caller.
import { EC2Client } from "@aws-sdk/client-ec2";

export function client(endpoint) {
  return new EC2Client({
    endpoint, region: "us-east-1", maxAttempts: 1,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
}

export const tags = (type, name) => [{ ResourceType: type, Tags: [{ Key: "Name", Value: name }] }];

// null if `command` succeeds; else the error's name, code, message and HTTP status
export async function failureOf(ec2, command) {
  try {
    await ec2.send(command);
    return null;
  } catch (err) {
    return { name: err.name, code: err.Code ?? null, message: err.message,
             status: err.$metadata?.httpStatusCode };
  }
}
