"""Words for ids shown to users."""

# The restriction classes of design.md, as the pages name them.
RESTRICTION_NAMES = {
    "filesystems": "File systems",
    "ip_addresses": "IP addresses",
    "quotas": "Disk quotas",
    "selinux": "SELinux",
    "xattrs": "Extended attributes",
    "raw_devices": "Raw devices",
    "mac_binding": "MAC-bound software",
    "transfer": "Data transfer",
    "nesting": "Source already a container (beyond the document)",
    "kernel": "Kernel and modules (beyond the document)",
    "kernel_services": "Kernel services: NFS server, IPVS, DRBD (beyond the document)",
    "block_devices": "Block devices: LVM, RAID, multipath (beyond the document)",
    "netfilter": "Firewall (netfilter) (beyond the document)",
    "clock": "System clock (beyond the document)",
    "os_version": "Windows version",
    "volumes": "Volumes",
    "qos": "QoS Packet Scheduler",
    "architecture": "Architecture",
}
