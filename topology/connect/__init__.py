"""What joins networks: VPC peering, transit gateways and their attachments and route tables,
VPN connections and customer gateways, VPC endpoints and endpoint services.
"""
