// One session of the AWS SDK for JavaScript v3 against `ec2sim serve` (tests/test_js_sdk.py).
// Usage: node session.mjs ENDPOINT IMAGE_ID; prints one JSON object of what the SDK parsed.
import {
  CreateVpcCommand, CreateSubnetCommand, RunInstancesCommand,
  DescribeInstancesCommand, DescribeVpcsCommand, AllocateAddressCommand,
  AssociateAddressCommand, CreateInternetGatewayCommand, AttachInternetGatewayCommand,
  DescribeNetworkInterfacesCommand, paginateDescribeInstances,
} from "@aws-sdk/client-ec2";
import { client } from "./client.mjs";

const [endpoint, imageId] = process.argv.slice(2);
const ec2 = client(endpoint);
const send = (command) => ec2.send(command);

async function failure(command) {
  try {
    await send(command);
    return null;
  } catch (err) {
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
}

const out = {};
const vpc = (await send(new CreateVpcCommand({
  CidrBlock: "10.7.0.0/16",
  TagSpecifications: [{ ResourceType: "vpc", Tags: [{ Key: "Name", Value: "js <&> \"vpc\"" }] }],
}))).Vpc;
out.vpc = { id: vpc.VpcId, cidr: vpc.CidrBlock, tags: vpc.Tags, state: vpc.State };
const subnet = (await send(new CreateSubnetCommand({
  VpcId: vpc.VpcId, CidrBlock: "10.7.1.0/24", AvailabilityZone: "us-east-1a",
}))).Subnet;
out.subnet = { id: subnet.SubnetId, free: subnet.AvailableIpAddressCount };
const igw = (await send(new CreateInternetGatewayCommand({}))).InternetGateway;
await send(new AttachInternetGatewayCommand({ InternetGatewayId: igw.InternetGatewayId,
                                              VpcId: vpc.VpcId }));
const run = await send(new RunInstancesCommand({
  ImageId: imageId, InstanceType: "t3.micro", MinCount: 7, MaxCount: 7, SubnetId: subnet.SubnetId,
  TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "tier", Value: "js" }] }],
}));
out.run = {
  reservation: run.ReservationId,
  ids: run.Instances.map((i) => i.InstanceId),
  states: run.Instances.map((i) => i.State.Name),
  addresses: run.Instances.map((i) => i.PrivateIpAddress),
  launchTimeIsDate: run.Instances.every((i) => i.LaunchTime instanceof Date),
  ebsOptimized: run.Instances[0].EbsOptimized,
};
const eip = await send(new AllocateAddressCommand({ Domain: "vpc" }));
await send(new AssociateAddressCommand({ AllocationId: eip.AllocationId,
                                         InstanceId: run.Instances[0].InstanceId }));
out.eip = eip.PublicIp;
const pages = [];
for await (const page of paginateDescribeInstances(
  { client: ec2, pageSize: 5 },
  { Filters: [{ Name: "tag:tier", Values: ["js"] }] })) {
  pages.push(page.Reservations.flatMap((r) => r.Instances.map((i) => i.InstanceId)));
}
out.pages = pages;
const first = (await send(new DescribeInstancesCommand({
  InstanceIds: [run.Instances[0].InstanceId] }))).Reservations[0].Instances[0];
out.described = {
  state: first.State.Name, public: first.PublicIpAddress,
  groups: first.SecurityGroups.map((g) => g.GroupName),
  interface: first.NetworkInterfaces[0].NetworkInterfaceId,
  sourceDestCheck: first.SourceDestCheck,
};
const eni = (await send(new DescribeNetworkInterfacesCommand({
  NetworkInterfaceIds: [out.described.interface] }))).NetworkInterfaces[0];
out.interface = { public: eni.Association?.PublicIp, private: eni.PrivateIpAddress,
                  attachment: eni.Attachment?.Status };
out.errors = {
  notFound: await failure(new DescribeVpcsCommand({ VpcIds: ["vpc-0123456789abcdef0"] })),
  malformed: await failure(new DescribeVpcsCommand({ VpcIds: ["vpc-123"] })),
  dryRun: await failure(new CreateVpcCommand({ CidrBlock: "10.8.0.0/16", DryRun: true })),
  overlap: await failure(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: "10.7.1.0/25" })),
};
console.log(JSON.stringify(out));
