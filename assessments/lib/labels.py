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
    "nesting": "Nesting: containers, hypervisors, VMs (beyond the document)",
    "hardware": "Hardware access (beyond the document)",
    "memory": "Memory, swap and kernel settings (beyond the document)",
    "security_modules": "AppArmor and audit (beyond the document)",
    "privileged_networking": "Tunnels, bridges and IPsec (beyond the document)",
    "host_identity": "Host identity (beyond the document)",
    "os_version": "Windows version",
    "volumes": "Volumes",
    "qos": "QoS Packet Scheduler",
    "architecture": "Architecture",
}
