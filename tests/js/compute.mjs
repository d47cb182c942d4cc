// Issue 15's compute and storage families through the AWS SDK for JavaScript v3 against
// `ec2sim serve` (tests/test_clients_issue15.py): EC2 Fleet, capacity reservations, Dedicated
// Hosts, Reserved Instance offerings, snapshot import, fast snapshot restore, snapshot locks,
// password data. Usage: node compute.mjs ENDPOINT IMAGE_ID; prints one JSON object of what the
// SDK parsed.
import {
  CreateLaunchTemplateCommand, CreateFleetCommand, DescribeFleetsCommand,
  DescribeFleetInstancesCommand, CreateCapacityReservationCommand, RunInstancesCommand,
  AllocateHostsCommand, DescribeHostsCommand, ImportSnapshotCommand,
  EnableFastSnapshotRestoresCommand, DescribeFastSnapshotRestoresCommand, LockSnapshotCommand,
  DeleteSnapshotCommand, DescribeLockedSnapshotsCommand, GetPasswordDataCommand,
  CreateCapacityReservationCommand as Reserve, DescribeCapacityReservationsCommand,
  paginateDescribeCapacityReservations, paginateDescribeReservedInstancesOfferings,
  paginateDescribeHosts, waitUntilSnapshotImported,
} from "@aws-sdk/client-ec2";
import { client, failureOf, tags } from "./client.mjs";

const [endpoint, imageId] = process.argv.slice(2);
const ec2 = client(endpoint);
const send = (command) => ec2.send(command);
const failure = (command) => failureOf(ec2, command);

// Every page a paginator yields, as lists of KEY's items mapped through PICK.
async function pages(paginate, input, key, pick, pageSize = 5) {
  const all = [];
  for await (const page of paginate({ client: ec2, pageSize }, input)) {
    all.push((page[key] ?? []).map(pick));
  }
  return all;
}

const out = {};

// EC2 Fleet: an instant fleet answers its instances; a maintain fleet lists them.
const template = (await send(new CreateLaunchTemplateCommand({
  LaunchTemplateName: "js-fleet",
  LaunchTemplateData: { ImageId: imageId, InstanceType: "t3.micro" },
}))).LaunchTemplate;
const fleetInput = (type, total) => ({
  Type: type,
  LaunchTemplateConfigs: [{ LaunchTemplateSpecification: {
    LaunchTemplateId: template.LaunchTemplateId, Version: "$Latest" } }],
  TargetCapacitySpecification: { TotalTargetCapacity: total,
                                 DefaultTargetCapacityType: "on-demand" },
});
const instant = await send(new CreateFleetCommand({
  ...fleetInput("instant", 2), TagSpecifications: tags("fleet", "js-instant") }));
const maintain = await send(new CreateFleetCommand(fleetInput("maintain", 3)));
const described = (await send(new DescribeFleetsCommand({ FleetIds: [instant.FleetId] })))
  .Fleets[0];
out.fleet = {
  instant: instant.FleetId, errors: instant.Errors,
  launched: instant.Instances.map((i) => ({ lifecycle: i.Lifecycle, type: i.InstanceType,
                                            ids: i.InstanceIds })),
  described: { state: described.FleetState, type: described.Type, tags: described.Tags,
               instances: (described.Instances ?? []).flatMap((i) => i.InstanceIds),
               createTimeIsDate: described.CreateTime instanceof Date },
  instantInstances: await failure(new DescribeFleetInstancesCommand({ FleetId: instant.FleetId })),
  maintain: maintain.FleetId,
  active: (await send(new DescribeFleetInstancesCommand({ FleetId: maintain.FleetId })))
    .ActiveInstances.map((i) => ({ id: i.InstanceId, type: i.InstanceType,
                                   health: i.InstanceHealth })),
};

// Capacity reservations: a targeted one serves a launch that names it; the paginator.
const reservation = (await send(new CreateCapacityReservationCommand({
  InstanceType: "t3.small", InstancePlatform: "Linux/UNIX", AvailabilityZone: "us-east-1a",
  InstanceCount: 2, InstanceMatchCriteria: "targeted", TagSpecifications: tags(
    "capacity-reservation", "js-cr"),
}))).CapacityReservation;
for (let n = 0; n < 5; n++) {
  await send(new Reserve({ InstanceType: "m5.large", InstancePlatform: "Linux/UNIX",
                           AvailabilityZone: "us-east-1b", InstanceCount: 1 }));
}
const served = (await send(new RunInstancesCommand({
  ImageId: imageId, InstanceType: "t3.small", MinCount: 1, MaxCount: 1,
  CapacityReservationSpecification: { CapacityReservationTarget: {
    CapacityReservationId: reservation.CapacityReservationId } },
}))).Instances[0];
const after = (await send(new DescribeCapacityReservationsCommand({
  CapacityReservationIds: [reservation.CapacityReservationId] }))).CapacityReservations[0];
out.reservation = {
  id: reservation.CapacityReservationId, state: reservation.State,
  available: reservation.AvailableInstanceCount, tags: reservation.Tags,
  instance: { zone: served.Placement.AvailabilityZone, reservation: served.CapacityReservationId },
  after: { available: after.AvailableInstanceCount, total: after.TotalInstanceCount },
  pages: await pages(paginateDescribeCapacityReservations, {},
                     "CapacityReservations", (c) => c.CapacityReservationId),
  filtered: await pages(paginateDescribeCapacityReservations, {
    Filters: [{ Name: "instance-type", Values: ["m5.large"] }] },
  "CapacityReservations", (c) => c.AvailabilityZone),
  wrongTarget: await failure(new RunInstancesCommand({
    ImageId: imageId, InstanceType: "t3.micro", MinCount: 1, MaxCount: 1,
    CapacityReservationSpecification: { CapacityReservationTarget: {
      CapacityReservationId: reservation.CapacityReservationId } } })),
};

// Dedicated Hosts.
const hosts = await send(new AllocateHostsCommand({
  AvailabilityZone: "us-east-1a", InstanceType: "c5.large", Quantity: 2, AutoPlacement: "on",
  TagSpecifications: tags("dedicated-host", "js-host"),
}));
const host = (await send(new DescribeHostsCommand({ HostIds: [hosts.HostIds[0]] }))).Hosts[0];
out.hosts = {
  ids: hosts.HostIds, state: host.State, autoPlacement: host.AutoPlacement,
  properties: { type: host.HostProperties.InstanceType, vcpus: host.HostProperties.TotalVCpus },
  capacity: host.AvailableCapacity.AvailableInstanceCapacity.map((c) => ({
    type: c.InstanceType, available: c.AvailableCapacity, total: c.TotalCapacity })),
  allocationTimeIsDate: host.AllocationTime instanceof Date,
  pages: await pages(paginateDescribeHosts, {
    Filter: [{ Name: "tag:Name", Values: ["js-host"] }] }, "Hosts", (h) => h.HostId),
  notFound: await failure(new DescribeHostsCommand({ HostIds: ["h-0123456789abcdef0"] })),
};

// Reserved Instance offerings: the catalogue's paginator with filters.
const offerings = await pages(paginateDescribeReservedInstancesOfferings, {
  InstanceType: "t3.micro", ProductDescription: "Linux/UNIX", OfferingClass: "standard",
  Filters: [{ Name: "duration", Values: ["31536000"] }],
}, "ReservedInstancesOfferings", (o) => ({
  id: o.ReservedInstancesOfferingId, type: o.InstanceType, duration: o.Duration,
  offeringType: o.OfferingType, fixed: o.FixedPrice, scope: o.Scope,
  zone: o.AvailabilityZone ?? null, product: o.ProductDescription,
  hourly: o.RecurringCharges.map((r) => r.Amount),
}), 10);
out.offerings = offerings;

// An imported snapshot, described until completed by the SDK's waiter.
const imported = await send(new ImportSnapshotCommand({
  DiskContainer: { Format: "VMDK", Url: "s3://js-import-bucket/disk.vmdk" }, Description: "js",
  TagSpecifications: tags("import-snapshot-task", "js-import"),
}));
const waited = await waitUntilSnapshotImported({ client: ec2, maxWaitTime: 30, minDelay: 1,
                                                 maxDelay: 1 },
                                               { ImportTaskIds: [imported.ImportTaskId] });
const task = waited.reason.ImportSnapshotTasks[0];
out.import = {
  id: imported.ImportTaskId, started: imported.SnapshotTaskDetail.Status, tags: imported.Tags,
  waiter: waited.state, status: task.SnapshotTaskDetail.Status,
  snapshot: task.SnapshotTaskDetail.SnapshotId, format: task.SnapshotTaskDetail.Format,
};

// Fast snapshot restore and a snapshot lock on the imported snapshot.
const snapshot = out.import.snapshot;
const fsr = await send(new EnableFastSnapshotRestoresCommand({
  SourceSnapshotIds: [snapshot], AvailabilityZones: ["us-east-1a", "us-east-1b"] }));
const fsrLater = (await send(new DescribeFastSnapshotRestoresCommand({
  Filters: [{ Name: "snapshot-id", Values: [snapshot] }] }))).FastSnapshotRestores;
const lock = await send(new LockSnapshotCommand({
  SnapshotId: snapshot, LockMode: "governance", LockDuration: 1 }));
out.storage = {
  enabled: fsr.Successful.map((s) => [s.AvailabilityZone, s.State]),
  unsuccessful: fsr.Unsuccessful,
  later: fsrLater.map((s) => [s.AvailabilityZone, s.State]),
  lock: { state: lock.LockState, duration: lock.LockDuration,
          createdIsDate: lock.LockCreatedOn instanceof Date,
          expiresIsDate: lock.LockExpiresOn instanceof Date },
  locked: (await send(new DescribeLockedSnapshotsCommand({ SnapshotIds: [snapshot] })))
    .Snapshots.map((s) => [s.SnapshotId, s.LockState]),
  deleteLocked: await failure(new DeleteSnapshotCommand({ SnapshotId: snapshot })),
  badZone: (await send(new EnableFastSnapshotRestoresCommand({
    SourceSnapshotIds: [snapshot], AvailabilityZones: ["us-east-1z"] }))).Unsuccessful.map(
    (u) => u.FastSnapshotRestoreStateErrors.map((e) => [e.AvailabilityZone, e.Error.Code])),
};

// Password data of a Linux instance, errors and DryRun.
out.errors = {
  linuxPassword: (await send(new GetPasswordDataCommand({ InstanceId: served.InstanceId })))
    .PasswordData,
  passwordNotFound: await failure(new GetPasswordDataCommand({
    InstanceId: "i-0123456789abcdef0" })),
  dryRunFleet: await failure(new CreateFleetCommand({ ...fleetInput("instant", 1),
                                                       DryRun: true })),
  dryRunReservation: await failure(new Reserve({
    InstanceType: "t3.small", InstancePlatform: "Linux/UNIX", AvailabilityZone: "us-east-1a",
    InstanceCount: 1, DryRun: true })),
  dryRunLock: await failure(new LockSnapshotCommand({
    SnapshotId: snapshot, LockMode: "governance", LockDuration: 2, DryRun: true })),
  fleetNotFound: await failure(new DescribeFleetInstancesCommand({
    FleetId: "fleet-01234567-89ab-cdef-0123-456789abcdef" })),
  reservationNotFound: await failure(new DescribeCapacityReservationsCommand({
    CapacityReservationIds: ["cr-0123456789abcdef0"] })),
};
console.log(JSON.stringify(out));
