"""A VPC and what lives in it: subnets, route tables and routes, network ACLs, security groups,
DHCP options, gateways, network interfaces and their addresses, Elastic IPs, prefix lists,
NAT gateways, flow logs.
"""
